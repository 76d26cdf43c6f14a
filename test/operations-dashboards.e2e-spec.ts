import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/app';
import { freePort } from './support/prometheus';

const DOCS = join(__dirname, '..', 'docs');

/** Series Prometheus makes itself for every target, not served on /metrics. */
const PROMETHEUS_OWN = new Set(['up']);
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression reads: strings, label matchers, ranges and grouping labels
 * dropped, then every identifier that is not a function, an aggregation or a keyword.
 */
function metricsOf(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)]
    .filter(([, name, call]) => !call && !PROMQL_KEYWORDS.has(name.toLowerCase()))
    .map(([, name]) => name);
}

/** The `expr:` of every rule in a rules file: one line, or a `|` block indented below it. */
function ruleExpressions(yaml: string): string[] {
  const lines = yaml.split('\n');
  const expressions: string[] = [];
  lines.forEach((line, index) => {
    const match = /^(\s*)expr:\s*(.*)$/.exec(line);
    if (!match) return;
    if (match[2] !== '|') return expressions.push(match[2]);
    const block: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() !== '' && next.search(/\S/) <= match[1].length) break;
      block.push(next);
    }
    expressions.push(block.join('\n'));
  });
  return expressions;
}

interface Dashboard {
  panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
  templating: { list: Array<{ definition?: string }> };
}

function dashboardExpressions(dashboard: Dashboard): string[] {
  return [
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...dashboard.templating.list.flatMap((variable) =>
      (variable.definition ?? '').replace(/^label_values\((.*),\s*\w+\)$/, '$1'),
    ),
  ].filter(Boolean);
}

/** Every series name a process serves: a histogram's _bucket, _sum and _count included. */
function servedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram' || type === 'summary')
      ['_bucket', '_sum', '_count'].forEach((suffix) => names.add(`${name}${suffix}`));
  }
  return names;
}

describe("the operators' Grafana dashboard and Prometheus alerting rules", () => {
  let test: TestApp;
  let served: Set<string>;
  const dashboard = JSON.parse(
    readFileSync(join(DOCS, 'grafana-dashboard.json'), 'utf8'),
  ) as Dashboard;
  const rules = ruleExpressions(readFileSync(join(DOCS, 'prometheus-alerts.yml'), 'utf8'));

  beforeAll(async () => {
    // One process with both roles declares the API's and the worker's metrics.
    const port = await freePort();
    test = await startTestApp({ PROCESS_ROLE: 'all', METRICS_PORT: String(port) });
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    served = servedNames(await response.text());
  });
  afterAll(() => test?.close());

  it('reads metric names out of PromQL, not its functions, labels or keywords', () => {
    expect(
      metricsOf(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{status_code=~"5.."}[5m]))) > 0 unless up == 0',
      ),
    ).toEqual(['http_request_duration_seconds_bucket', 'up']);
  });

  it('uses only metrics that a real process serves on /metrics', () => {
    const used = [...dashboardExpressions(dashboard), ...rules].flatMap(metricsOf);
    expect(used.length).toBeGreaterThan(20);
    expect(
      [...new Set(used)].filter((name) => !served.has(name) && !PROMETHEUS_OWN.has(name)),
    ).toEqual([]);
  });

  it("shows every one of clientele's own metrics, and the API's request durations, on the dashboard", () => {
    const shown = new Set(
      dashboardExpressions(dashboard)
        .flatMap(metricsOf)
        .map((name) => name.replace(/_(bucket|sum|count)$/, '')),
    );
    const own = [...served].filter(
      (name) =>
        (name.startsWith('clientele_') || name === 'http_request_duration_seconds') &&
        !/_(bucket|sum|count)$/.test(name),
    );
    expect(own.length).toBeGreaterThanOrEqual(8);
    expect(own.filter((name) => !shown.has(name))).toEqual([]);
  });

  it('alerts on an old outbox backlog, failing deliveries, stalled queues and an unreachable database', () => {
    const alerting = rules.flatMap(metricsOf);
    expect(alerting).toEqual(
      expect.arrayContaining([
        'clientele_outbox_oldest_pending_seconds',
        'clientele_webhook_deliveries_total',
        'clientele_queue_jobs',
        'up',
        'http_request_duration_seconds_count',
      ]),
    );
    expect(rules).toHaveLength(6);
  });
});
