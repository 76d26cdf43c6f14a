import { testConfig } from './support/database';
import { startWorkerProcess } from './support/worker-process';

describe('SECRET_ENCRYPTION_KEY in production', () => {
  it('a process started with NODE_ENV=production and no key refuses to start, saying why in one line', async () => {
    const boot = startWorkerProcess(testConfig(), {
      NODE_ENV: 'production',
      SECRET_ENCRYPTION_KEY: '',
    });
    const refusal = await boot.then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(refusal).toContain('worker exited while booting');
    const problems = refusal.split('\n').filter((line) => line.includes('SECRET_ENCRYPTION_KEY'));
    expect(problems).toEqual([
      expect.stringMatching(/^ {2}- SECRET_ENCRYPTION_KEY is required with NODE_ENV=production \(/),
    ]);
  });
});
