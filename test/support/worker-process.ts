import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { AppConfig } from '../../src/config/app-config';
import { ADMIN } from './database';
import { assertChildrenAllowed, killAllChildren, trackChild } from './child-processes';
import { childrenDir } from './test-run';

const ROOT = join(__dirname, '..', '..');

let build: Promise<string> | undefined;

/**
 * Compiles src/ once per test run without type checking (tsc --noCheck, about 3 s) and returns
 * the entry point. A compiled worker boots in under 1 s, ts-node needs about 4 s: with several
 * boots per file, building once is the faster way, and the compiled code is only read, so every
 * spec file of the run shares it. Parallel Jest workers that find no build each compile into a
 * directory of their own and rename it into place; the first rename wins, the others use it. The
 * output lies under this run's directory, which the global teardown removes.
 */
function compiledMain(): Promise<string> {
  build ??= (async () => {
    const shared = join(dirname(childrenDir()), 'worker-build');
    const main = join(shared, 'main.js');
    if (existsSync(main)) return main;
    const own = `${shared}-${process.pid}`;
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await promisify(execFile)(
      process.execPath,
      [
        tsc,
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        own,
        '--noCheck',
        '--incremental',
        'false',
      ],
      { cwd: ROOT },
    );
    try {
      renameSync(own, shared);
    } catch {
      rmSync(own, { recursive: true, force: true }); // another worker's build is in place
    }
    return main;
  })();
  return build;
}

/** A real `PROCESS_ROLE=worker` process (src/ compiled to JavaScript) on the test's database and Redis prefix. */
export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a worker and resolves once it has booted (its "worker started" log line). */
export async function startWorkerProcess(
  config: AppConfig,
  env: Record<string, string> = {},
  bootTimeoutMs = 60_000,
): Promise<WorkerProcess> {
  const main = await compiledMain();
  assertChildrenAllowed();
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_PATH: join(ROOT, 'node_modules'),
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
      SECRET_ENCRYPTION_KEY: config.secretEncryptionKey ?? '',
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  // TEST_WORKER_LOG_DIR=<dir> keeps each worker's output in <dir>/worker-<pid>.log as it comes,
  // for a fault run that must be read after the fact.
  const keep = process.env.TEST_WORKER_LOG_DIR
    ? createWriteStream(join(process.env.TEST_WORKER_LOG_DIR, `worker-${child.pid}.log`))
    : undefined;
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
    keep?.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.once('close', () => keep?.end());
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
  trackChild(child, 'clientele worker');

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

/** SIGKILLs every worker (and other child) this file started that is still alive; more may be started afterwards. The harness also does this after each file. */
export const killAllWorkers = () => killAllChildren();
