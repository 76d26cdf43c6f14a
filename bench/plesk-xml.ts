import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_ADMIN, freshBenchStores, median, resetBenchStores } from './bench-support';
import { buildWorker } from './bench-worker';
import { httpLoad } from './http-load';
import { login, startApiProcess, stop } from './measured-process';

/**
 * Issue 23's speed target: `customer get` by id through agent.php within 1.5x of
 * `GET /api/v1/customers/{id}`, in requests per second, both against the same compiled API process
 * in alternating rounds. Both authenticate with the same API key (KEY / X-API-Key): one indexed
 * read each. (HTTP_AUTH_LOGIN + HTTP_AUTH_PASSWD costs an argon2 verification per packet, as a
 * password login does; docs/billing-systems.md says so.) Writes bench/results/plesk-xml.json;
 * `npm run bench -- --plesk-xml` runs only this.
 */
const DATABASE_URL =
  process.env.BENCH_XML_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/clientele_bench_xml';
const REDIS_PREFIX = 'clientele_bench_xml';
const CONNECTIONS = 16;
const DURATION_S = Number(process.env.BENCH_XML_SECONDS ?? 8);
const TARGET_RATIO = 1.5;

type Side = 'v1' | 'xml';

export interface PleskXmlBenchResult {
  v1_path: string;
  xml_packet: string;
  connections: number;
  seconds_per_round: number;
  rounds: Array<{ side: Side; req_per_s: number; p99_ms: number }>;
  v1_req_per_s: number;
  xml_req_per_s: number;
  /** v1 / agent.php requests per second, the median of the rounds' own ratios: at most 1.5. */
  ratio: number;
  target_ratio: number;
  machine: string;
  measured_at: string;
}

export async function runPleskXmlBench(log: (line: string) => void): Promise<PleskXmlBenchResult> {
  const rounds = Number(process.env.BENCH_XML_ROUNDS ?? 3);
  const { config, pool } = await freshBenchStores(DATABASE_URL, REDIS_PREFIX);
  const main = buildWorker();
  const api = await startApiProcess(main, {
    DATABASE_URL,
    REDIS_URL: config.redisUrl,
    REDIS_PREFIX,
    ADMIN_USERNAME: BENCH_ADMIN.username,
    ADMIN_PASSWORD: BENCH_ADMIN.password,
    METRICS_PORT: '0',
  });
  try {
    const token = await login(api.base);
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`${api.base}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`POST ${path}: ${response.status}`);
      return (await response.json()) as { id: number; key: string };
    };
    const { key } = await call('/api-keys', { name: 'bench', access: 'read-only' });
    const { id } = await call('/customers', {
      username: 'benchcustomer',
      password: 'a-good-password-1',
      name: 'Bench Customer',
      email: 'bench@example.com',
    });
    const v1Path = `/api/v1/customers/${id}`;
    const xmlPacket = `<?xml version="1.0" encoding="UTF-8"?><packet version="1.6.3.0"><customer><get><filter><id>${id}</id></filter><dataset><gen_info/></dataset></get></customer></packet>`;
    await expectCustomerIn(api.base, key, xmlPacket);

    const load = async (side: Side) => {
      const result = await httpLoad(
        side === 'v1'
          ? {
              url: `${api.base}${v1Path}`,
              connections: CONNECTIONS,
              duration: DURATION_S,
              headers: { 'x-api-key': key },
            }
          : {
              url: `${api.base}/enterprise/control/agent.php`,
              method: 'POST',
              connections: CONNECTIONS,
              duration: DURATION_S,
              headers: { KEY: key, 'content-type': 'text/xml' },
              body: xmlPacket,
            },
        side === 'v1' ? `GET ${v1Path}` : 'agent.php customer get',
      );
      return { side, req_per_s: Math.round(result.requests.average), p99_ms: result.latency.p99 };
    };
    log('plesk xml: warm-up ...');
    await load('v1');
    await load('xml');
    const measured: PleskXmlBenchResult['rounds'] = [];
    for (let round = 1; round <= rounds; round += 1) {
      // Alternating which side goes first, so neither always meets a warmer machine.
      for (const side of round % 2 ? (['v1', 'xml'] as const) : (['xml', 'v1'] as const)) {
        const figures = await load(side);
        measured.push(figures);
        log(`round ${round} ${side}: ${figures.req_per_s} req/s, p99 ${figures.p99_ms} ms`);
      }
    }
    const of = (side: Side) => measured.filter((r) => r.side === side);
    const ratios = of('v1').map((v1, i) => v1.req_per_s / of('xml')[i].req_per_s);
    const sorted = [...ratios].sort((a, b) => a - b);
    const result: PleskXmlBenchResult = {
      v1_path: v1Path,
      xml_packet: xmlPacket,
      connections: CONNECTIONS,
      seconds_per_round: DURATION_S,
      rounds: measured,
      v1_req_per_s: median(of('v1').map((r) => r.req_per_s)),
      xml_req_per_s: median(of('xml').map((r) => r.req_per_s)),
      ratio: Math.round(sorted[Math.floor(sorted.length / 2)] * 100) / 100,
      target_ratio: TARGET_RATIO,
      machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM`,
      measured_at: new Date().toISOString(),
    };
    log(
      `plesk xml: GET /api/v1/customers/{id} ${result.v1_req_per_s} req/s, agent.php customer get ${result.xml_req_per_s} req/s, ratio ${result.ratio} (target <= ${TARGET_RATIO})`,
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(
      join(__dirname, 'results', 'plesk-xml.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    return result;
  } finally {
    await stop(api.child);
    await pool.end();
    await resetBenchStores(DATABASE_URL, config.redisUrl, REDIS_PREFIX);
  }
}

/** A bench of error answers would measure nothing: the packet must find the customer. */
async function expectCustomerIn(base: string, key: string, xmlPacket: string): Promise<void> {
  const response = await fetch(`${base}/enterprise/control/agent.php`, {
    method: 'POST',
    headers: { KEY: key, 'content-type': 'text/xml' },
    body: xmlPacket,
  });
  const text = await response.text();
  if (!text.includes('<login>benchcustomer</login>'))
    throw new Error(`agent.php did not answer the customer: ${text.slice(0, 500)}`);
}
