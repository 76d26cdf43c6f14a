import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'mysql2/promise';
import { AppConfig } from '../src/config/app-config';
import { freePort } from '../test/support/prometheus';
import { BaselineAction } from './baseline';
import {
  BENCH_ADMIN,
  freshBenchStores,
  median,
  resetBenchStores,
  startBenchApi,
} from './bench-support';
import { buildWorker, startWorker } from './bench-worker';
import { httpLoad } from './http-load';
import { Bench, SHAPE } from './bulk';
import {
  ApiProcess,
  cpuMs,
  expectScraped,
  login,
  scrapeEvery,
  startApiProcess,
  stop,
} from './measured-process';
import { seedHosting } from './seed';

/**
 * What Prometheus metrics cost (issue 15: "no regression beyond noise"), measured in one run with
 * metrics on (METRICS_PORT set, scraped) and off (METRICS_PORT=0: no listener, no request timer,
 * no process collectors), in alternating rounds so that neither side always meets a warmer or
 * quieter machine:
 * - the HTTP hot path: autocannon against `GET /api/v1/customers?limit=50` of two compiled API
 *   processes, one with metrics and one without;
 * - the worker: the bulk bench's jobs (1,000 customers, 2 subscriptions x 5 domains each) run by a
 *   worker process started with metrics on or off.
 * Writes bench/results/metrics-overhead.json. `npm run bench -- --metrics` runs only this.
 */
const DATABASE_URL =
  process.env.BENCH_METRICS_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/clientele_bench_metrics';
const REDIS_PREFIX = 'clientele_bench_metrics';
const LIST_PATH = '/api/v1/customers?limit=50';
const CONNECTIONS = 16;
const DURATION_S = Number(process.env.BENCH_METRICS_SECONDS ?? 10);
/** Prometheus scrapes every 15 s or 60 s by default; more often here, so the scrape's cost shows if it has one. */
const API_SCRAPE_MS = 5_000;
/** The worker's bulk jobs last about a second: scraped every second while they run. */
const WORKER_SCRAPE_MS = 1_000;
const ACTIONS: BaselineAction[] = ['suspend', 'activate', 'remove'];

type Side = 'on' | 'off';

interface HttpRound {
  side: Side;
  req_per_s: number;
  p99_ms: number;
  /** CPU time (user + system) the API process spent per request: what load on the machine changes least. */
  cpu_ms_per_request: number;
}

type HttpFigures = Omit<HttpRound, 'side'>;

export interface MetricsOverheadResult {
  http: {
    path: string;
    connections: number;
    seconds_per_round: number;
    scrape_every_s: number;
    rounds: HttpRound[];
    on: HttpFigures;
    off: HttpFigures;
    // Ratios on / off, each the median of the rounds' own ratios: a round's two sides ran back to
    // back, so the machine's drift from round to round cancels out.
    /** Below 1: metrics cost throughput. */
    req_per_s_ratio: number;
    /** Above 1: metrics cost latency. */
    p99_ratio: number;
    /** Above 1: metrics cost CPU per request. */
    cpu_ratio: number;
  };
  bulk: {
    scrape_every_s: number;
    actions: Record<BaselineAction, { on_ms: number; off_ms: number; ratio: number }>;
    /** The three jobs' time, on / off: the median of the rounds' own ratios. Above 1: metrics slow the worker. */
    ratio: number;
    /** CPU time (user + system) of the worker over the three timed jobs, median per side. */
    worker_cpu_ms: { on: number; off: number; ratio: number };
  };
  rounds: number;
  /** 1-minute load average before and after each part: how busy the machine was. */
  load: { http: [number, number]; bulk: [number, number] };
  machine: string;
  measured_at: string;
}

export async function runMetricsOverheadBench(
  log: (line: string) => void,
): Promise<MetricsOverheadResult> {
  const rounds = Number(process.env.BENCH_METRICS_ROUNDS ?? 3);
  const { config, pool } = await freshBenchStores(DATABASE_URL, REDIS_PREFIX);
  const env = {
    DATABASE_URL,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
  };
  try {
    log('metrics overhead: building (tsc --noCheck) ...');
    const main = buildWorker();
    const httpLoad: [number, number] = [loadavg()[0], 0];
    const http = await httpOverhead(main, env, pool, rounds, log);
    httpLoad[1] = loadavg()[0];
    const bulkLoad: [number, number] = [loadavg()[0], 0];
    const bulk = await bulkOverhead(main, env, config, pool, rounds, log);
    bulkLoad[1] = loadavg()[0];
    const result: MetricsOverheadResult = {
      http,
      bulk,
      rounds,
      load: {
        http: httpLoad.map(round2) as [number, number],
        bulk: bulkLoad.map(round2) as [number, number],
      },
      machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
      measured_at: new Date().toISOString(),
    };
    printResult(result, log);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, 'results', 'metrics-overhead.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    return result;
  } finally {
    await pool.end();
    await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  }
}

async function httpOverhead(
  main: string,
  env: Record<string, string>,
  pool: Pool,
  rounds: number,
  log: (line: string) => void,
): Promise<MetricsOverheadResult['http']> {
  const sql = async <T>(statement: string, params: unknown[] = []) =>
    (await pool.query(statement, params))[0] as T;
  await seedHosting(sql, { ...SHAPE, tag: 'metrics' });
  await sql('ANALYZE TABLE customer, subscription, domain');
  const metricsPort = await freePort();
  const apis: Record<Side, ApiProcess> = {
    on: await startApiProcess(main, { ...env, METRICS_PORT: String(metricsPort) }),
    off: await startApiProcess(main, { ...env, METRICS_PORT: '0' }),
  };
  try {
    const headers = { authorization: `Bearer ${await login(apis.on.base)}` };
    const load = async (side: Side, seconds: number) => {
      // Metrics on means scraped too, as in production.
      const scraper = side === 'on' ? scrapeEvery(metricsPort, API_SCRAPE_MS) : undefined;
      const cpuBefore = cpuMs(apis[side].child);
      try {
        const result = await httpLoad(
          {
            url: `${apis[side].base}${LIST_PATH}`,
            connections: CONNECTIONS,
            duration: seconds,
            headers,
          },
          `GET ${LIST_PATH} (metrics ${side})`,
        );
        return {
          side,
          req_per_s: Math.round(result.requests.average),
          p99_ms: result.latency.p99,
          cpu_ms_per_request: round2((cpuMs(apis[side].child) - cpuBefore) / result.requests.total),
        };
      } finally {
        expectScraped(scraper?.stop());
      }
    };
    // A full round each first: until the JIT and MariaDB's buffer pool settle, the first rounds run slower.
    log('metrics overhead: HTTP warm-up ...');
    await load('on', DURATION_S);
    await load('off', DURATION_S);
    const measured: HttpRound[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      for (const side of orderOf(round)) {
        const figures = await load(side, DURATION_S);
        measured.push(figures);
        log(
          `round ${round} HTTP metrics ${side}: ${figures.req_per_s} req/s, p99 ${figures.p99_ms} ms, ${figures.cpu_ms_per_request} ms CPU per request`,
        );
      }
    }
    const of = (side: Side): HttpFigures => {
      const sideRounds = measured.filter((r) => r.side === side);
      return {
        req_per_s: median(sideRounds.map((r) => r.req_per_s)),
        p99_ms: median(sideRounds.map((r) => r.p99_ms)),
        cpu_ms_per_request: medianOf(sideRounds.map((r) => r.cpu_ms_per_request)),
      };
    };
    const [on, off] = [of('on'), of('off')];
    return {
      path: LIST_PATH,
      connections: CONNECTIONS,
      seconds_per_round: DURATION_S,
      scrape_every_s: API_SCRAPE_MS / 1000,
      rounds: measured,
      on,
      off,
      req_per_s_ratio: pairedRatio(measured, (r) => r.req_per_s),
      p99_ratio: pairedRatio(measured, (r) => r.p99_ms),
      cpu_ratio: pairedRatio(measured, (r) => r.cpu_ms_per_request),
    };
  } finally {
    await Promise.all([stop(apis.on.child), stop(apis.off.child)]);
  }
}

async function bulkOverhead(
  main: string,
  env: Record<string, string>,
  config: AppConfig,
  pool: Pool,
  rounds: number,
  log: (line: string) => void,
): Promise<MetricsOverheadResult['bulk']> {
  const { app, api } = await startBenchApi(config);
  try {
    const bench = new Bench(pool, api, config.bulkChunkSize);
    const times: Record<Side, Record<BaselineAction, number[]>> = {
      on: { suspend: [], activate: [], remove: [] },
      off: { suspend: [], activate: [], remove: [] },
    };
    const workerCpu: Record<Side, number[]> = { on: [], off: [] };
    for (let round = 1; round <= rounds; round += 1) {
      for (const side of orderOf(round)) {
        // A fresh worker per side and round: metrics are chosen at start (METRICS_PORT).
        const metricsPort = side === 'on' ? await freePort() : 0;
        const worker = await startWorker(main, { ...env, METRICS_PORT: String(metricsPort) });
        const scraper = side === 'on' ? scrapeEvery(metricsPort, WORKER_SCRAPE_MS) : undefined;
        try {
          for (const action of ACTIONS) await bench.ours(action, 200); // warm-up
          const cpuBefore = cpuMs(worker);
          for (const action of ACTIONS)
            times[side][action].push(await bench.ours(action, SHAPE.customers));
          workerCpu[side].push(cpuMs(worker) - cpuBefore);
        } finally {
          const scraped = scraper?.stop();
          await stop(worker);
          expectScraped(scraped);
        }
        log(
          `round ${round} bulk metrics ${side}: ${ACTIONS.map((a) => `${a} ${times[side][a][round - 1]} ms`).join(', ')}; worker CPU ${workerCpu[side][round - 1]} ms`,
        );
      }
    }
    const actions = Object.fromEntries(
      ACTIONS.map((action) => {
        const ratios = times.on[action].map((on, round) => on / times.off[action][round]);
        return [
          action,
          {
            on_ms: median(times.on[action]),
            off_ms: median(times.off[action]),
            ratio: round2(medianOf(ratios)),
          },
        ];
      }),
    ) as MetricsOverheadResult['bulk']['actions'];
    const total = (side: Side, round: number) =>
      ACTIONS.reduce((sum, action) => sum + times[side][action][round], 0);
    return {
      scrape_every_s: WORKER_SCRAPE_MS / 1000,
      actions,
      ratio: round2(
        medianOf(times.on.suspend.map((_, round) => total('on', round) / total('off', round))),
      ),
      worker_cpu_ms: {
        on: median(workerCpu.on),
        off: median(workerCpu.off),
        ratio: round2(medianOf(workerCpu.on.map((on, round) => on / workerCpu.off[round]))),
      },
    };
  } finally {
    await app.close();
  }
}

function printResult(result: MetricsOverheadResult, log: (line: string) => void): void {
  const { http, bulk } = result;
  log('');
  log(
    `metrics overhead (medians of ${result.rounds} rounds per side; ratios on / off: the median of the rounds' own ratios)`,
  );
  log(
    `  GET ${http.path}, c=${http.connections}, ${http.seconds_per_round} s: on ${http.on.req_per_s} req/s p99 ${http.on.p99_ms} ms, ` +
      `off ${http.off.req_per_s} req/s p99 ${http.off.p99_ms} ms; req/s ratio ${http.req_per_s_ratio}, p99 ratio ${http.p99_ratio}`,
  );
  log(
    `  API CPU per request: on ${http.on.cpu_ms_per_request} ms, off ${http.off.cpu_ms_per_request} ms, ratio ${http.cpu_ratio}`,
  );
  for (const action of ACTIONS)
    log(
      `  bulk ${action} of 1,000: on ${bulk.actions[action].on_ms} ms, off ${bulk.actions[action].off_ms} ms, ratio ${bulk.actions[action].ratio}`,
    );
  log(`  bulk, all three: ratio ${bulk.ratio}`);
  log(
    `  worker CPU over the three jobs: on ${bulk.worker_cpu_ms.on} ms, off ${bulk.worker_cpu_ms.off} ms, ratio ${bulk.worker_cpu_ms.ratio}`,
  );
  log(
    `  load average (1 min) before/after: HTTP ${result.load.http.join('/')}, bulk ${result.load.bulk.join('/')}; ${result.machine}`,
  );
}

/** Alternate which side goes first, so neither always follows the other. */
const orderOf = (round: number): Side[] => (round % 2 ? ['on', 'off'] : ['off', 'on']);

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The median without rounding to whole numbers (bench-support's `median` rounds: milliseconds). */
const medianOf = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : round2((sorted[middle - 1] + sorted[middle]) / 2);
};

/** The median over rounds of `figure` on / off, each round's two sides measured back to back. */
function pairedRatio(measured: HttpRound[], figure: (round: HttpRound) => number): number {
  const on = measured.filter((r) => r.side === 'on');
  const off = measured.filter((r) => r.side === 'off');
  return round2(medianOf(on.map((round, i) => figure(round) / figure(off[i]))));
}
