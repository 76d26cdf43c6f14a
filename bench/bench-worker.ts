import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Production mode requires a key: the bench's own (a deployment makes its own with `openssl rand -hex 32`). */
export const BENCH_SECRET_ENCRYPTION_KEY = 'be'.repeat(32);

/** The bench's worker: a separate `PROCESS_ROLE=worker` process running compiled JavaScript, as in production. */
const ROOT = join(__dirname, '..');

let built: string | undefined;

/** Compiles src/ once per bench run without type checking (about 3 s) so the worker runs plain JavaScript, as in production. */
export function buildWorker(): string {
  if (built) return built;
  // Per bench process, removed when it exits: two benches at once never share a build.
  const outDir = join(tmpdir(), `clientele-bench-build-${process.pid}`);
  process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      outDir,
      '--noCheck',
      '--incremental',
      'false',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new Error(`building the worker failed:\n${result.stdout}${result.stderr}`);
  built = join(outDir, 'main.js');
  return built;
}

/** A compiled clientele process (production settings, metrics off unless `env` says otherwise); its stderr passes through. */
export function spawnService(
  main: string,
  env: Record<string, string>,
  stdout: 'pipe' | 'ignore',
  nodeArgs: string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, main], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_PATH: join(ROOT, 'node_modules'),
      NODE_ENV: 'production',
      SECRET_ENCRYPTION_KEY: BENCH_SECRET_ENCRYPTION_KEY,
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', stdout, 'inherit'],
  });
}

/** BENCH_WORKER_CPU_PROF=<dir> runs the worker with `node --cpu-prof` into that directory. */
export function startWorker(main: string, env: Record<string, string>): Promise<ChildProcess> {
  const profile = process.env.BENCH_WORKER_CPU_PROF;
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  return startService(main, { PROCESS_ROLE: 'worker', ...env }, 'worker started', nodeArgs);
}

/** Spawns a compiled clientele process and resolves once it has logged `ready` (its start line). */
export async function startService(
  main: string,
  env: Record<string, string>,
  ready: string,
  nodeArgs: string[] = [],
): Promise<ChildProcess> {
  const child = spawnService(main, env, 'pipe', nodeArgs);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (!log.includes(ready)) log += chunk.toString();
  });
  const deadline = Date.now() + 120_000;
  while (!log.includes(ready)) {
    if (child.exitCode !== null) throw new Error(`the process exited while starting:\n${log}`);
    if (Date.now() > deadline) throw new Error(`no "${ready}" within 120 s:\n${log.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

/** The worker's peak resident set size since it started (VmHWM). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** A TCP port free on 127.0.0.1 right now, for a process the bench starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
