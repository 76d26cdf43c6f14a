import Redis from 'ioredis';
import { ADMIN } from '../support/database';
import { bearer, loginAdmin, startTestApp, TestApp } from '../support/app';
import { postBulk, seedCustomers, waitForJob } from '../support/bulk-jobs';
import { SentinelSetup, startSentinelSetup } from '../support/sentinel';
import { specName } from '../support/test-run';

interface Answer {
  at: number;
  what: 'login' | 'write';
  status: number;
  retryAfter: string | undefined;
  ms: number;
}

describe('Redis Sentinel failover', () => {
  let setup: SentinelSetup | undefined;
  let test: TestApp | undefined;

  beforeAll(async () => {
    setup = await startSentinelSetup();
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      // Nothing listens there: with Sentinels only REDIS_URL's password and db count.
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_SENTINELS: setup.sentinels,
      BULK_CHUNK_SIZE: '5',
    });
  }, 300_000);

  afterAll(async () => {
    await test?.close();
    await setup?.remove();
  }, 60_000);

  it('answers logins and writes with 503 + Retry-After for a few seconds, never 500, and runs jobs submitted afterwards', async () => {
    const app = test!;
    const admin = await loginAdmin(app);
    const ids = await seedCustomers(app, 10, 1, 1);
    const before = await postBulk(app, admin, 'suspend', ids.slice(0, 5));
    expect((await waitForJob(app, admin, before, 120_000)).state).toBe('completed');

    const answers: Answer[] = [];
    let running = true;
    const send = async (what: Answer['what']) => {
      const started = Date.now();
      const response =
        what === 'login'
          ? await app.http().post('/api/v1/auth/login').send(ADMIN)
          : await app
              .http()
              .patch(`/api/v1/customers/${ids[9]}`)
              .set(bearer(admin))
              .send({ company: `written at ${started}` });
      answers.push({
        at: started,
        what,
        status: response.status,
        retryAfter: response.headers['retry-after'] as string | undefined,
        ms: Date.now() - started,
      });
    };
    const load = (async () => {
      while (running) {
        await Promise.all([send('login'), send('write')]);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const killedAt = Date.now();
    const oldPrimary = await setup!.killPrimary();
    const newPrimary = await setup!.failedOverFrom(oldPrimary);
    const failedOverAt = Date.now();

    // After the failover, a bulk job runs to the end on the new primary, without a restart.
    const after = await postBulk(app, admin, 'suspend', ids.slice(5, 9));
    expect((await waitForJob(app, admin, after, 120_000)).state).toBe('completed');
    const primary = new Redis({ port: newPrimary, host: '127.0.0.1' });
    try {
      expect((await primary.keys(`${specName()}:bull:*`)).length).toBeGreaterThan(0);
    } finally {
      primary.disconnect();
    }
    const lastTroubleSeen = Math.max(
      0,
      ...answers.filter((a) => a.status !== 200).map((a) => a.at),
    );
    running = false;
    await load;

    const unavailable = answers.filter((answer) => answer.status === 503);
    const summary = {
      requests: answers.length,
      failoverMs: failedOverAt - killedAt,
      unavailable: unavailable.length,
      unavailableForMs: lastTroubleSeen === 0 ? 0 : lastTroubleSeen - killedAt,
      slowestMs: Math.max(...answers.map((answer) => answer.ms)),
    };
    process.stdout.write(`Sentinel failover: ${JSON.stringify(summary)}\n`);

    expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
    expect(unavailable.filter((answer) => answer.retryAfter === undefined)).toEqual([]);
    // Recovered: the last answers of both kinds are 200.
    for (const what of ['login', 'write'] as const) {
      expect(
        answers
          .filter((answer) => answer.what === what)
          .slice(-3)
          .map((a) => a.status),
      ).toEqual([200, 200, 200]);
    }
  }, 600_000);
});
