import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { WEBHOOK_DELIVERY_QUEUE } from '../../src/queues';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { postBulk, seedCustomers } from '../support/bulk-jobs';
import { eventually } from '../support/eventually';
import { lastEventId } from '../support/hosting';
import { PrivateRedis } from '../support/private-redis';
import { WebhookReceiver } from '../support/webhook-receiver';
import { killAllWorkers, startWorkerProcess, WorkerProcess } from '../support/worker-process';

const CUSTOMERS = 2000;
const DOMAINS = 8;
/** customer.suspended, subscription.suspended and 8 domain.suspended per customer, and job.completed. */
const EVENTS = CUSTOMERS * (2 + DOMAINS) + 1;
const WORKERS = 3;
/** SIGKILLs: at most this many, and at least KILLS_AT_LEAST even if the burst ends sooner. */
const KILLS = 10;
const KILLS_AT_LEAST = 5;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const began = Date.now();
/** Progress on stdout, so a slow run shows where its time went. */
const note = (line: string) =>
  process.stdout.write(`delivery faults +${Math.round((Date.now() - began) / 1000)} s: ${line}\n`);

/**
 * Delivery when processes die: real worker processes and a Redis of the test's own (persistence
 * off). During a burst of 20,001 events, a worker is SIGKILLed every 3-5 s and Redis restarts
 * empty once; the consumer must still get every event, signed, with at most 1 % duplicates.
 */
describe('webhook delivery under faults', () => {
  let redis: PrivateRedis | undefined;
  let test: TestApp | undefined;
  let receiver: WebhookReceiver | undefined;

  afterAll(async () => {
    await killAllWorkers();
    await test?.close();
    await receiver?.close();
    await redis?.stop();
  });

  it('delivers every event at least once, signed, with at most 1 % duplicates, while workers are SIGKILLed and Redis restarts empty', async () => {
    redis = await PrivateRedis.start();
    test = await startTestApp({
      PROCESS_ROLE: 'api',
      REDIS_URL: redis.url,
      BULK_CHUNK_SIZE: '100',
    });
    const app = test;
    receiver = await WebhookReceiver.start();
    receiver.on('/all', () => ({ status: 204 }));
    const token = await loginAdmin(app);
    const hook = (
      await app
        .http()
        .post('/api/v1/webhooks')
        .set(bearer(token))
        .send({ url: receiver.url('/all'), events: ['*'] })
        .expect(201)
    ).body as { id: number; secret: string };
    const ids = await seedCustomers(app, CUSTOMERS, 1, DOMAINS);
    const workerEnv = { RELAY_SWEEP_INTERVAL_MS: '2000', WEBHOOK_CONCURRENCY: '20' };
    const workers: WorkerProcess[] = [];
    for (let i = 0; i < WORKERS; i += 1)
      workers.push(await startWorkerProcess(app.config, workerEnv));

    note(`${WORKERS} workers started`);
    const before = await lastEventId(app);
    const startedAt = Date.now();
    await postBulk(app, token, 'suspend', ids);

    // Chaos while the events are written and delivered: a random running worker SIGKILLed every
    // 3-5 s (a replacement starts at once, without waiting for it to boot) until the burst has
    // arrived, and Redis restarted empty once, after the third kill.
    const consumer = receiver;
    const received = () =>
      new Set(
        consumer
          .deliveries('/all')
          .map((d) => d.headers['webhook-id'])
          .filter((id) => Number(id) > before),
      );
    const booting: Array<Promise<void>> = [];
    let kills = 0;
    const victims = new Set<WorkerProcess>();
    // A worker must only end when the test kills it: one that ends by itself fails the test.
    const diedByItself = () => {
      const dead = workers.find(
        (w) => !victims.has(w) && (w.child.exitCode !== null || w.child.signalCode !== null),
      );
      if (dead)
        throw new Error(
          `worker ${dead.pid} ended by itself (${dead.child.exitCode ?? dead.child.signalCode}):\n${dead.output().slice(-6000)}`,
        );
    };
    let killsDuringBurst = 0;
    while (kills < KILLS && (kills < KILLS_AT_LEAST || received().size < EVENTS)) {
      await pause(3000 + Math.random() * 2000);
      diedByItself();
      const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      if (alive.length < 2) {
        // Wait for the replacements; one that cannot boot fails the test with its output.
        await Promise.all(booting);
        continue;
      }
      const victim = alive[Math.floor(Math.random() * alive.length)];
      victims.add(victim);
      victim.kill('SIGKILL');
      await victim.exited;
      kills += 1;
      if (received().size < EVENTS) killsDuringBurst += 1;
      note(`kill ${kills}; ${consumer.deliveries('/all').length} deliveries so far`);
      booting.push(startWorkerProcess(app.config, workerEnv).then((w) => void workers.push(w)));
      if (kills === 3) {
        await redis.restartEmpty();
        note('Redis restarted empty');
      }
    }
    await Promise.all(booting);
    diedByItself();
    const chaosEndedAt = Date.now();
    const receivedDuringChaos = received().size;

    // Cheap checks: the consumer runs in this process, so polling must not starve it.
    const written = async () =>
      Number(
        (
          await app
            .em()
            .getConnection()
            .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM outbox_event WHERE id > ?', [
              before,
            ])
        )[0].n,
      );
    expect(await eventually(written, EVENTS, 90_000)).toBe(EVENTS);
    note('every event written');
    const arrived = new Set<string>();
    let seen = 0;
    const missing = async () => {
      diedByItself();
      const all = consumer.deliveries('/all');
      for (; seen < all.length; seen += 1) {
        const id = all[seen].headers['webhook-id'];
        if (Number(id) > before) arrived.add(id);
      }
      await pause(200);
      return EVENTS - arrived.size;
    };
    const left = await eventually(missing, 0, 180_000);
    if (left > 0) {
      const states = await app
        .em()
        .getConnection()
        .execute(
          `SELECT state, COUNT(*) AS n, MIN(next_attempt_at) AS due, UTC_TIMESTAMP(3) AS now
             FROM event_delivery GROUP BY state`,
        );
      const queue = app.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
      const jobStates = await Promise.all(
        [0, 1, 2, 3].map(
          async (lane) => `e${hook.id}.${lane}: ${await queue.getJobState(`e${hook.id}.${lane}`)}`,
        ),
      );
      const sessions = await app
        .em()
        .getConnection()
        .execute(
          "SELECT command, time, state, LEFT(info, 120) AS query FROM information_schema.PROCESSLIST WHERE db = DATABASE() AND command <> 'Sleep'",
        );
      const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const fs = await import('node:fs');
      for (const w of workers)
        fs.writeFileSync(
          `/tmp/dfault-worker-${w.pid}-${w.child.exitCode ?? w.child.signalCode ?? 'alive'}.log`,
          w.output(),
        );
      throw new Error(
        `${left} events never arrived (worker logs in /tmp/dfault-worker-*.log: ${alive.map((w) => w.pid).join(', ')}); deliveries: ${JSON.stringify(states)}; their jobs: ${jobStates.join(', ')}; database sessions: ${JSON.stringify(sessions)}`,
      );
    }
    const events = [...arrived];

    const deliveries = consumer.deliveries('/all');
    const verifier = new Webhook(hook.secret);
    for (const delivery of deliveries)
      expect(() => verifier.verify(delivery.body, delivery.headers)).not.toThrow();
    const ofTheBurst = new Set(events);
    const redelivered =
      deliveries.filter((d) => ofTheBurst.has(d.headers['webhook-id'])).length - events.length;
    process.stdout.write(
      `delivery faults: ${events.length} events, ${kills} SIGKILLs (${killsDuringBurst} before the burst had arrived), Redis restarted empty once; ` +
        `${receivedDuringChaos} had arrived when the last kill came; ` +
        `${redelivered} redelivered (${((100 * redelivered) / events.length).toFixed(2)} %); ` +
        `all delivered ${Math.round((Date.now() - startedAt) / 1000)} s after the bulk job was posted, ` +
        `${Math.round((Date.now() - chaosEndedAt) / 1000)} s after the last kill\n`,
    );
    expect(redelivered).toBeLessThanOrEqual(events.length * 0.01);
  }, 560_000);
});
