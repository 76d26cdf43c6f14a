import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { runBulkBench } from './bulk';
import { runMetricsOverheadBench } from './metrics-overhead';
import { runPleskXmlBench } from './plesk-xml';
import { reportScale, runScaleBench, runScaleBulkOnly } from './scale';
import { runWebhookBench, WebhookBenchResult } from './webhooks';

/**
 * `npm run bench`: webhook delivery, then bulk jobs against their mysql2 baseline. Prints a table
 * and writes bench/results/latest.json. BENCH_ROUNDS (default 5) sets the timed rounds per
 * action (the median counts); BENCH_SKIP_WEBHOOKS=true runs the bulk part only. Last, what metrics
 * cost (bench/metrics-overhead.ts); `npm run bench -- --metrics` runs only that.
 * `npm run bench -- --scale` runs bench/scale.ts instead (100,000 customers: reads, search,
 * expiry and bulk jobs); `--scale-bulk` only its bulk jobs (API, worker and relay as one
 * `PROCESS_ROLE=all` process); `npm run bench -- --webhooks` runs only the webhook part and prints it.
 */
async function main(): Promise<void> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`;
  if (process.argv.includes('--metrics')) {
    await runMetricsOverheadBench(log);
    return;
  }
  if (process.argv.includes('--plesk-xml')) {
    await runPleskXmlBench(log);
    return;
  }
  if (process.argv.includes('--webhooks')) {
    log(JSON.stringify(await runWebhookBench(log), null, 2));
    return;
  }
  if (process.argv.includes('--scale-bulk')) {
    await runScaleBulkOnly(machine, log);
    return;
  }
  if (process.argv.includes('--scale')) {
    reportScale(await runScaleBench(log), machine, log);
    return;
  }
  // Webhook delivery first: its targets are absolute, so it runs on a machine that is not still
  // flushing and purging after the bulk rounds; the bulk figures are ratios to a baseline measured
  // alongside them, so they hold either way. If the webhook bench fails, the bulk figures are
  // still printed and written, and the bench exits with 1.
  let webhooks: WebhookBenchResult | undefined;
  if (process.env.BENCH_SKIP_WEBHOOKS !== 'true') {
    log('webhook delivery ...');
    try {
      webhooks = await runWebhookBench(log);
    } catch (error) {
      process.stderr.write(
        `webhook bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    }
  }
  const bulk = await runBulkBench(rounds, log);

  const rows = (['bulk_suspend', 'bulk_activate', 'bulk_remove'] as const).map((name) => [
    name,
    bulk[name].ms,
    bulk[name].baseline_ms,
    bulk[name].ratio.toFixed(2),
  ]);
  log('');
  log(
    `${'benchmark'.padEnd(16)}${'ours ms'.padStart(10)}${'baseline ms'.padStart(14)}${'ratio'.padStart(8)}`,
  );
  for (const [name, ms, baselineMs, ratio] of rows)
    log(
      `${String(name).padEnd(16)}${String(ms).padStart(10)}${String(baselineMs).padStart(14)}${String(ratio).padStart(8)}`,
    );
  log(
    `worker peak RSS: ${bulk.worker_peak_rss_mb} MB (median of ${rounds} rounds; 1,000 customers, 2,000 subscriptions, 10,000 domains)`,
  );
  if (webhooks)
    log(
      `webhooks: ${webhooks.events} events, ${webhooks.per_s}/s, commit to receipt p50 ${webhooks.p50_ms} ms, p99 ${webhooks.p99_ms} ms ` +
        `(median of ${webhooks.rounds} rounds; p99 over all rounds' events ${webhooks.p99_all_rounds_ms} ms; from write p99 ${webhooks.p99_from_write_ms} ms; worker peak RSS ${webhooks.worker_peak_rss_mb} MB); ` +
        `bare HTTP baseline ${webhooks.baseline_per_s}/s, ratio ${(webhooks.per_s / webhooks.baseline_per_s).toFixed(2)}; ` +
        `beside a dead endpoint p99 ${webhooks.beside_dead_p99_ms} ms (${webhooks.beside_dead_p99_ratio}x), Redis +${webhooks.beside_dead_redis_growth_mb} MB`,
    );
  log(`machine: ${machine}`);

  const results = {
    bulk_suspend: bulk.bulk_suspend,
    bulk_activate: bulk.bulk_activate,
    bulk_remove: bulk.bulk_remove,
    worker_peak_rss_mb: bulk.worker_peak_rss_mb,
    rounds,
    ...(webhooks ? { webhooks } : {}),
    machine,
  };
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  await runMetricsOverheadBench(log);
  await runPleskXmlBench(log);
}

main()
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
