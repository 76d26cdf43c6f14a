import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BENCH_ADMIN } from './bench-support';
import { freePort } from '../test/support/prometheus';
import { spawnService } from './bench-worker';

/** The processes bench/metrics-overhead.ts measures: started, scraped, timed on the CPU, stopped. */

/** CPU time (user + system) a child has used so far, in ms: fields 14 and 15 of /proc/<pid>/stat, in ticks of 10 ms (CLK_TCK 100). */
export function cpuMs(child: ChildProcess): number {
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface ApiProcess {
  child: ChildProcess;
  base: string;
}

/** A compiled `PROCESS_ROLE=api` process, as in production (at LOG_LEVEL warn: request logs would cost both sides alike and blur the difference). */
export async function startApiProcess(
  main: string,
  env: Record<string, string>,
): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawnService(
    main,
    { PROCESS_ROLE: 'api', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    'ignore',
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API process exited while starting`);
    const live = await fetch(`${base}/health/live`).then(
      (response) => response.ok,
      () => false,
    );
    if (live) return { child, base };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the API process did not start within 60 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function login(base: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  if (response.status !== 200) throw new Error(`login: ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/**
 * Scrapes a process every `ms` while a measurement runs, as Prometheus would. `stop` says how many
 * scrapes answered 200 and the first failure, if any (checked once the process under test is stopped).
 */
export function scrapeEvery(
  port: number,
  ms: number,
): { stop: () => { scrapes: number; failure?: string } } {
  let scrapes = 0;
  let failure: string | undefined;
  const timer = setInterval(() => {
    fetch(`http://127.0.0.1:${port}/metrics`)
      .then(async (response) => {
        await response.text();
        if (response.status !== 200) throw new Error(`answered ${response.status}`);
        scrapes += 1;
      })
      .catch((error: unknown) => (failure ??= `scrape of :${port}: ${String(error)}`));
  }, ms);
  return {
    stop: () => {
      clearInterval(timer);
      return { scrapes, failure };
    },
  };
}

/** Fails the bench when the scrapes of a measurement failed: its "on" figures would not be. */
export function expectScraped(outcome: { scrapes: number; failure?: string } | undefined): void {
  if (outcome?.failure) throw new Error(outcome.failure);
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
