import { loginAdmin, startTestApp, TestApp } from '../support/app';
import { createCustomer } from '../support/factories';
import { eventually } from '../support/eventually';
import { PrivateRedis } from '../support/private-redis';
import { startWorkerProcess, WorkerProcess } from '../support/worker-process';

/** What a stop may take while Redis is away: a supervisor's patience, not BullMQ's reconnect loop. */
const STOP_WITHIN_MS = 15_000;

/** `work`, or `late()` once `ms` have passed; the timer goes with the answer, so Jest can exit. */
async function within<T, U>(ms: number, work: Promise<T>, late: () => U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<U>((resolve, reject) => {
        timer = setTimeout(() => {
          try {
            resolve(late());
          } catch (error) {
            reject(error);
          }
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A process asked to stop while Redis is unreachable must stop: BullMQ's clients retry for ever,
 * and a shutdown that awaits them would hang until a supervisor SIGKILLs it.
 */
describe('shutting down while Redis is down', () => {
  let redis: PrivateRedis | undefined;
  let test: TestApp | undefined;
  let worker: WorkerProcess | undefined;

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await test?.close();
    await redis?.kill();
  });

  it('stops a worker on SIGTERM and closes the API within seconds', async () => {
    redis = await PrivateRedis.start();
    test = await startTestApp({ PROCESS_ROLE: 'api', REDIS_URL: redis.url });
    const app = test;
    worker = await startWorkerProcess(app.config);
    const token = await loginAdmin(app);
    await createCustomer(app, token);

    await redis.kill();
    const redisState = async () =>
      (
        (await app.http().get('/health/ready')).body as {
          details?: { redis?: { state?: string } };
        }
      ).details?.redis?.state;
    expect(await eventually(redisState, 'unreachable', 15_000)).toBe('unreachable');
    // Work that needs Redis meanwhile: a commit whose relay pass must wake endpoints.
    await createCustomer(app, token);
    const running = worker;
    expect(
      await eventually(async () => running.output().includes('Redis unreachable'), true, 15_000),
    ).toBe(true);

    let started = Date.now();
    worker.kill('SIGTERM');
    const ended = await within(STOP_WITHIN_MS * 2, worker.exited, () => 'still running');
    const workerStopMs = Date.now() - started;
    // Nest raises the signal again once it has closed: ended by SIGTERM, not by the deadline's exit(1).
    expect({ ended, workerStopMs }).toEqual({
      ended: 'SIGTERM',
      workerStopMs: expect.any(Number),
    });
    expect(workerStopMs).toBeLessThan(STOP_WITHIN_MS);

    started = Date.now();
    await within(STOP_WITHIN_MS * 2, app.close(), () => {
      throw new Error('the API did not close');
    });
    test = undefined;
    const apiStopMs = Date.now() - started;
    expect(apiStopMs).toBeLessThan(STOP_WITHIN_MS);
    process.stdout.write(
      `shutdown with Redis down: worker ${workerStopMs} ms, API ${apiStopMs} ms\n`,
    );
  }, 120_000);
});
