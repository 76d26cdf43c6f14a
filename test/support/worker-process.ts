import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { AppConfig } from '../../src/config/app-config';
import { ADMIN } from './database';

const ROOT = join(__dirname, '..', '..');

/** A real `PROCESS_ROLE=worker` process (src/main.ts through ts-node, transpile only) on the test's database and Redis prefix. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<WorkerProcess>();

/**
 * Starts a worker and resolves once it has booted (its "worker started" log line). ts-node with
 * `--transpile-only` boots in about 4-6 s here, faster than building dist/ for every run.
 */
export async function startWorkerProcess(
  config: AppConfig,
  env: Record<string, string> = {},
  bootTimeoutMs = 60_000,
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      PROCESS_ROLE: 'worker',
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      REDIS_PREFIX: config.redisPrefix,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      BULK_CHUNK_SIZE: String(config.bulkChunkSize),
      WORKER_CONCURRENCY: String(config.workerConcurrency),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  // 'close' (not 'exit'): fires once the output pipes are drained too, so output() is complete.
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const worker: WorkerProcess = {
    child,
    pid: child.pid ?? 0,
    exited,
    output: () => log,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
  running.add(worker);
  void exited.then(() => running.delete(worker));

  const deadline = Date.now() + bootTimeoutMs;
  while (!log.includes('worker started')) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`worker exited while booting:\n${log.slice(-4000)}`);
    if (Date.now() > deadline) {
      worker.kill('SIGKILL');
      throw new Error(`worker did not boot within ${bootTimeoutMs} ms:\n${log.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return worker;
}

/** SIGKILLs every worker this file started that is still alive (call in afterAll). */
export async function killAllWorkers(): Promise<void> {
  const alive = [...running];
  for (const worker of alive) worker.kill('SIGKILL');
  await Promise.all(alive.map((worker) => worker.exited));
}
