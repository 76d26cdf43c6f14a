import { Writable } from 'node:stream';
import { bearer, login, loginAdmin, startTestApp } from './support/app';
import { testConfig } from './support/database';
import { createCustomer } from './support/factories';
import { killAllWorkers, startWorkerProcess } from './support/worker-process';

afterAll(async () => {
  await killAllWorkers();
});

describe('logs in production', () => {
  it('are JSON lines with secrets, tokens, keys, passwords and credential headers redacted', async () => {
    const lines: string[] = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(chunk.toString());
        done();
      },
    });
    const test = await startTestApp({ LOG_LEVEL: 'info', NODE_ENV: 'production' }, { logStream });
    const apiKey = 'ck_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEF';
    const password = 'log-me-never-Passw0rd';
    try {
      const token = await loginAdmin(test);
      const customer = await createCustomer(test, token, { password });
      const customerToken = await login(test, customer.username, password);
      await test
        .http()
        .get('/api/v1/account')
        .set({ ...bearer(customerToken), Cookie: `clientele_session=${customerToken}` })
        .expect(200);
      await test.http().get('/api/v1/customers').set('X-API-Key', apiKey);
      await test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: customer.username, password: 'wrong-Passw0rd-in-a-log' })
        .expect(401);

      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const requestLog = records.find(
        (record) =>
          (record.req as { url?: string } | undefined)?.url === '/api/v1/customers' &&
          (record.req as { method?: string }).method === 'GET',
      );
      expect(requestLog).toBeDefined();
      expect((requestLog?.req as { headers: Record<string, string> }).headers['x-api-key']).toBe(
        '[redacted]',
      );
      // The answer's status and headers, the session cookie it set redacted.
      const loginLog = records.find(
        (record) =>
          (record.req as { url?: string } | undefined)?.url === '/api/v1/auth/login' &&
          (record.res as { statusCode?: number }).statusCode === 200,
      );
      expect(loginLog?.res).toEqual({
        statusCode: 200,
        headers: expect.objectContaining({
          'content-type': expect.stringMatching(/^application\/json/),
          'set-cookie': '[redacted]',
          'cache-control': 'no-store',
        }),
      });
      const log = lines.join('');
      expect(log).toContain('/api/v1/auth/login');
      for (const secret of [
        apiKey,
        password,
        'wrong-Passw0rd-in-a-log',
        token,
        customerToken,
        'admin-password-1',
      ])
        expect(log.includes(secret)).toBe(false);
    } finally {
      await test.close();
    }
  });
});

// The first worker of a Jest worker compiles src/ first (test/support/worker-process.ts).
const BOOT_TIMEOUT_MS = 120_000;

describe('logs of a process', () => {
  it(
    'are JSON in production',
    async () => {
      const worker = await startWorkerProcess(testConfig(), { NODE_ENV: 'production' });
      const started = worker
        .output()
        .split('\n')
        .find((line) => line.includes('worker started'));
      expect(JSON.parse(started ?? '')).toMatchObject({ level: 30 });
      worker.kill('SIGTERM');
      await worker.exited;
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'are readable lines with NODE_ENV=development',
    async () => {
      const worker = await startWorkerProcess(testConfig(), { NODE_ENV: 'development' });
      const started = worker
        .output()
        .split('\n')
        .find((line) => line.includes('worker started'));
      expect(started).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO/);
      expect(() => JSON.parse(started ?? '')).toThrow();
      worker.kill('SIGTERM');
      await worker.exited;
    },
    BOOT_TIMEOUT_MS,
  );
});
