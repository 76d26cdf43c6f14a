import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection, createPool, RowDataPacket } from 'mysql2/promise';
import { encodeCursor } from '../src/common/cursor';
import { loadConfig } from '../src/config/load-config';
import { parseDatabaseUrl } from '../src/database/mikro-orm.options';
import { BENCH_SECRET_ENCRYPTION_KEY, buildWorker, freePort, peakRssMb } from './bench-worker';
import { BENCH_ADMIN, ensureBenchAdministrator, median, resetBenchStores } from './bench-support';
import { httpLoad } from './http-load';
import { SCALE, seedScale, SeedTimes } from './scale-seed';
import { runScaleBulkBench, ScaleBulkResult } from './scale-bulk';
import { ExpiryFigures, runExpiryScaleBench } from './scale-expiry';

/**
 * `npm run bench -- --scale`: the reads an operator makes all day, at 100,000 customers (200,000
 * subscriptions, 1,000,000 domains). Each read is measured with autocannon (16 connections, 10 s,
 * 3 rounds, sides alternating) against the app as production runs it (a compiled `PROCESS_ROLE=api`
 * process, logging at `info` into /dev/null) and against bench/scale-baseline-server.ts, which
 * sends the same SQL through plain node:http + mysql2. Their answers are checked byte for byte
 * first. The figures are the medians of the rounds.
 */
const DATABASE_URL =
  process.env.BENCH_SCALE_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/clientele_bench_scale';
const REDIS_PREFIX = 'clientele_bench_scale';
const ROOT = join(__dirname, '..');
const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 3);

export interface SideFigures {
  req_s: number;
  p50_ms: number;
  p99_ms: number;
}

export interface ReadFigures {
  path: string;
  ours: SideFigures;
  baseline: SideFigures;
  /** Ours' requests per second over the baseline's (medians of the rounds). */
  ratio: number;
  rounds: Array<{ ours: SideFigures; baseline: SideFigures }>;
}

export interface ScaleBenchResult {
  shape: typeof SCALE;
  seed: SeedTimes;
  reads: Record<ReadName, ReadFigures>;
  no_match_search: SideFigures & { path: string };
  api_peak_rss_mb: number;
  connections: number;
  seconds: number;
  rounds: number;
  /** The expiry pass over the 200,000 subscriptions (bench/scale-expiry.ts). */
  expiry?: ExpiryFigures;
  /** Bulk jobs of 10,000 customers against their SQL baseline (bench/scale-bulk.ts). */
  bulk?: ScaleBulkResult;
}

type ReadName = 'first_page' | 'search_schmidt' | 'status_suspended' | 'cursor_1000' | 'get_by_id';

export async function runScaleBench(log: (line: string) => void): Promise<ScaleBenchResult> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL,
    REDIS_PREFIX,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
  });
  await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  await ensureBenchAdministrator(DATABASE_URL);
  const { host, port, user, password, dbName } = parseDatabaseUrl(DATABASE_URL);
  const connect = () =>
    createConnection({ host, port, user, password, database: dbName, charset: 'utf8mb4' });

  log(
    `seeding ${SCALE.customers.toLocaleString('en')} customers, ${(SCALE.customers * SCALE.subscriptionsPerCustomer).toLocaleString('en')} subscriptions, ` +
      `${(SCALE.customers * SCALE.subscriptionsPerCustomer * SCALE.domainsPerSubscription).toLocaleString('en')} domains and the search index ...`,
  );
  const seed = await seedScale(connect);
  log(
    `seeded in ${(seed.total_ms / 1000).toFixed(1)} s (customers ${seed.customers_ms} ms, subscriptions ${seed.subscriptions_ms} ms, domains ${seed.domains_ms} ms, search index ${seed.trigrams_ms} ms)`,
  );
  const pool = createPool({
    host,
    port,
    user,
    password,
    database: dbName,
    connectionLimit: 2,
    charset: 'utf8mb4',
  });
  const processes: ChildProcess[] = [];
  try {
    // Fresh statistics after a bulk load, as an operator's nightly ANALYZE would have them.
    await pool.query('ANALYZE TABLE customer, customer_search_trigram, subscription, domain');
    log('building and starting the API and the baseline ...');
    const env = {
      DATABASE_URL,
      REDIS_URL: config.redisUrl,
      REDIS_PREFIX,
      ADMIN_USERNAME: BENCH_ADMIN.username,
      ADMIN_PASSWORD: BENCH_ADMIN.password,
    };
    const apiPort = await freePort();
    const api = startProcess([buildWorker()], {
      ...env,
      PORT: String(apiPort),
      PROCESS_ROLE: 'api',
      NODE_ENV: 'production',
      SECRET_ENCRYPTION_KEY: BENCH_SECRET_ENCRYPTION_KEY,
      METRICS_PORT: '0',
    });
    processes.push(api);
    const baselinePort = await freePort();
    const baseline = startProcess(
      ['-r', 'ts-node/register/transpile-only', join(__dirname, 'scale-baseline-server.ts')],
      { ...env, PORT: String(baselinePort), DATABASE_POOL_MAX: String(config.databasePoolMax) },
    );
    processes.push(baseline);
    const ours = `http://127.0.0.1:${apiPort}`;
    const raw = `http://127.0.0.1:${baselinePort}`;
    await Promise.all([waitFor(`${ours}/health/live`, api), waitFor(`${raw}/`, baseline)]);
    const token = await login(ours);
    const headers = { authorization: `Bearer ${token}` };

    const [[after1000]] = await pool.query<RowDataPacket[]>(
      'SELECT id FROM customer ORDER BY id DESC LIMIT 1 OFFSET 999',
    );
    const reads: Record<ReadName, string> = {
      first_page: '/api/v1/customers?limit=50',
      search_schmidt: '/api/v1/customers?q=schmidt&limit=50',
      status_suspended: '/api/v1/customers?status=suspended&limit=50',
      cursor_1000: `/api/v1/customers?limit=50&cursor=${encodeCursor({ id: Number(after1000.id) })}`,
      get_by_id: `/api/v1/customers/${Math.round(SCALE.customers * 0.54321)}`,
    };
    const noMatch = '/api/v1/customers?q=zqxwvj&limit=50';
    for (const path of [...Object.values(reads), noMatch])
      await assertSameAnswer(ours, raw, path, headers);
    log('answers identical byte for byte; warming up ...');
    for (const path of Object.values(reads))
      for (const base of [ours, raw]) await measure(`${base}${path}`, headers, 2);

    const samples = Object.fromEntries(
      Object.keys(reads).map((name) => [
        name,
        [] as Array<{ ours: SideFigures; baseline: SideFigures }>,
      ]),
    ) as Record<ReadName, Array<{ ours: SideFigures; baseline: SideFigures }>>;
    for (let round = 1; round <= ROUNDS; round += 1) {
      for (const [name, path] of Object.entries(reads) as Array<[ReadName, string]>) {
        // Alternate which side runs first, so neither always meets a warmer machine.
        const first = round % 2 ? 'ours' : 'baseline';
        const sample: Partial<{ ours: SideFigures; baseline: SideFigures }> = {};
        for (const side of first === 'ours'
          ? (['ours', 'baseline'] as const)
          : (['baseline', 'ours'] as const))
          sample[side] = await measure(`${side === 'ours' ? ours : raw}${path}`, headers, SECONDS);
        samples[name].push(sample as { ours: SideFigures; baseline: SideFigures });
        log(
          `round ${round} ${name.padEnd(17)} ours ${describe(sample.ours!)} | baseline ${describe(sample.baseline!)}`,
        );
      }
    }
    const noMatchRounds: SideFigures[] = [];
    for (let round = 1; round <= ROUNDS; round += 1)
      noMatchRounds.push(await measure(`${ours}${noMatch}`, headers, SECONDS));
    log(`no-match search (ours): ${noMatchRounds.map(describe).join(' | ')}`);

    const result: ScaleBenchResult = {
      shape: SCALE,
      seed,
      reads: Object.fromEntries(
        (Object.entries(reads) as Array<[ReadName, string]>).map(([name, path]) => {
          const oursFigures = medianOf(samples[name].map((s) => s.ours));
          const baselineFigures = medianOf(samples[name].map((s) => s.baseline));
          return [
            name,
            {
              path,
              ours: oursFigures,
              baseline: baselineFigures,
              ratio: Math.round((oursFigures.req_s / baselineFigures.req_s) * 100) / 100,
              rounds: samples[name],
            },
          ];
        }),
      ) as Record<ReadName, ReadFigures>,
      no_match_search: { path: noMatch, ...medianOf(noMatchRounds) },
      api_peak_rss_mb: peakRssMb(api.pid ?? 0),
      connections: CONNECTIONS,
      seconds: SECONDS,
      rounds: ROUNDS,
    };
    // On the same seeded database, after the reads (both change it): the expiry pass, then bulk
    // jobs of 10,000 customers against their SQL baseline (the removal last).
    for (const child of processes.splice(0)) child.kill('SIGTERM');
    result.expiry = await runExpiryScaleBench(DATABASE_URL, log);
    result.bulk = await runScaleBulkBench({
      databaseUrl: DATABASE_URL,
      redisUrl: config.redisUrl,
      redisPrefix: `${REDIS_PREFIX}_bulk`,
      log,
    });
    return result;
  } finally {
    for (const child of processes) child.kill('SIGTERM');
    await pool.end();
    await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  }
}

async function measure(
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<SideFigures> {
  const result = await httpLoad({ url, connections: CONNECTIONS, duration: seconds, headers });
  return {
    req_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
  };
}

function medianOf(samples: SideFigures[]): SideFigures {
  return {
    req_s: median(samples.map((s) => s.req_s)),
    p50_ms: median(samples.map((s) => s.p50_ms)),
    p99_ms: median(samples.map((s) => s.p99_ms)),
  };
}

const describe = (f: SideFigures) =>
  `${String(f.req_s).padStart(5)} req/s p50 ${String(f.p50_ms).padStart(3)} ms p99 ${String(f.p99_ms).padStart(3)} ms`;

async function assertSameAnswer(
  ours: string,
  raw: string,
  path: string,
  headers: Record<string, string>,
): Promise<void> {
  const [a, b] = await Promise.all(
    [ours, raw].map(async (base) => {
      const response = await fetch(`${base}${path}`, { headers });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${base}${path}: ${response.status} ${text}`);
      return text;
    }),
  );
  if (a !== b)
    throw new Error(
      `${path}: the app and the baseline answer differently\n${a.slice(0, 400)}\n${b.slice(0, 400)}`,
    );
}

async function login(base: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(BENCH_ADMIN),
  });
  if (response.status !== 200)
    throw new Error(`login: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Waits until the URL answers at all (any status). */
async function waitFor(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Prints the table and writes bench/results/scale.json. */
export function reportScale(
  result: ScaleBenchResult,
  machine: string,
  log: (line: string) => void,
): void {
  log('');
  log(
    `${'read'.padEnd(18)}${'ours req/s'.padStart(11)}${'base req/s'.padStart(11)}${'ratio'.padStart(7)}${'ours p50/p99 ms'.padStart(17)}${'base p50/p99 ms'.padStart(17)}`,
  );
  for (const [name, read] of Object.entries(result.reads))
    log(
      `${name.padEnd(18)}${String(read.ours.req_s).padStart(11)}${String(read.baseline.req_s).padStart(11)}${read.ratio.toFixed(2).padStart(7)}` +
        `${`${read.ours.p50_ms}/${read.ours.p99_ms}`.padStart(17)}${`${read.baseline.p50_ms}/${read.baseline.p99_ms}`.padStart(17)}`,
    );
  log(
    `no-match search: p99 ${result.no_match_search.p99_ms} ms (p50 ${result.no_match_search.p50_ms} ms, ${result.no_match_search.req_s} req/s)`,
  );
  log(
    `seed: ${(result.seed.total_ms / 1000).toFixed(1)} s; API peak RSS ${result.api_peak_rss_mb} MB`,
  );
  if (result.expiry)
    log(
      `expiry pass over ${result.expiry.subscriptions} subscriptions: ${result.expiry.quiet_ms} ms with nothing due, ` +
        `${result.expiry.changing_ms} ms with ${result.expiry.changes.expired} due and ${result.expiry.changes.renewed} renewed`,
    );
  if (result.bulk) {
    for (const action of ['suspend', 'activate', 'remove'] as const)
      log(
        `bulk ${action} of ${result.bulk.customers}: ${result.bulk[action].ms} ms, baseline ${result.bulk[action].baseline_ms} ms, ratio ${result.bulk[action].ratio.toFixed(2)}`,
      );
    log(`bulk: PROCESS_ROLE=all process peak RSS ${result.bulk.peak_rss_mb} MB`);
  }
  log(`machine: ${machine}`);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    join(__dirname, 'results', 'scale.json'),
    `${JSON.stringify({ ...result, machine }, null, 2)}\n`,
  );
}

/**
 * `npm run bench -- --scale-bulk`: only the bulk part of the scale bench, on a freshly seeded
 * database (the removal consumes customers, so every run seeds again). Its figures replace the
 * `bulk` entry of bench/results/scale.json, with the time they were measured.
 * BENCH_SCALE_CPU_PROF=<dir> runs our process with `node --cpu-prof` into that directory.
 */
export async function runScaleBulkOnly(
  machine: string,
  log: (line: string) => void,
): Promise<ScaleBulkResult> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL,
    REDIS_PREFIX,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
  });
  await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  await ensureBenchAdministrator(DATABASE_URL);
  const { host, port, user, password, dbName } = parseDatabaseUrl(DATABASE_URL);
  log(`seeding ${SCALE.customers.toLocaleString('en')} customers ...`);
  const seed = await seedScale(() =>
    createConnection({ host, port, user, password, database: dbName, charset: 'utf8mb4' }),
  );
  log(`seeded in ${(seed.total_ms / 1000).toFixed(1)} s`);
  const profile = process.env.BENCH_SCALE_CPU_PROF;
  try {
    const bulk = await runScaleBulkBench({
      databaseUrl: DATABASE_URL,
      redisUrl: config.redisUrl,
      redisPrefix: `${REDIS_PREFIX}_bulk`,
      nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
      log,
    });
    log(`bulk: PROCESS_ROLE=all process peak RSS ${bulk.peak_rss_mb} MB; machine: ${machine}`);
    const file = join(__dirname, 'results', 'scale.json');
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      file,
      `${JSON.stringify({ ...previous, bulk: { ...bulk, measured_at: new Date().toISOString(), machine } }, null, 2)}\n`,
    );
    return bulk;
  } finally {
    await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  }
}
