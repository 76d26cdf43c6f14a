import { MikroORM } from '@mikro-orm/mysql';
import { buildOrmOptions } from '../src/database/mikro-orm.options';
import { SuspensionService } from '../src/suspension/suspension.service';

/**
 * The expiry pass (the repeatable job that applies and lifts the `expired` reason) on a database
 * already seeded at scale (bench/scale.ts: 200,000 subscriptions). It gives the subscriptions a
 * realistic spread of `expiresAt` first: 40 % expire in the future, 10 % expired earlier and are
 * suspended for it, the rest never expire. Then it times, as the worker runs it:
 * - a quiet pass, with nothing due: what every minute costs;
 * - a pass in which `changes` subscriptions are due and as many were renewed.
 */
export interface ExpiryFigures {
  subscriptions: number;
  /** Median of the quiet passes. */
  quiet_ms: number;
  /** Median of the passes with changes. */
  changing_ms: number;
  /** Subscriptions expired and renewed in each changing pass. */
  changes: { expired: number; renewed: number };
  rounds: number;
}

const ROUNDS = 5;

export async function runExpiryScaleBench(
  databaseUrl: string,
  log: (line: string) => void,
  changes = 100,
): Promise<ExpiryFigures> {
  const orm = await MikroORM.init(buildOrmOptions({ url: databaseUrl, poolMax: 2 }));
  const sql = async <T>(statement: string, params: unknown[] = []) =>
    (await orm.em.getConnection().execute(statement, params)) as T;
  try {
    const [{ n }] = await sql<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM subscription');
    log(`expiry: spreading expiresAt over ${Number(n)} subscriptions ...`);
    await spreadExpiry(sql);
    const suspension = new SuspensionService();
    const pass = async () => {
      const started = performance.now();
      const result = await orm.em
        .fork()
        .transactional((em) => suspension.applyExpiry(em, new Date(), { actor: 'system' }));
      return { ms: performance.now() - started, result };
    };
    // Anything the spread left due is taken now, untimed.
    await pass();
    const quiet: number[] = [];
    const changing: number[] = [];
    let last = { expired: 0, renewed: 0 };
    for (let round = 1; round <= ROUNDS; round += 1) {
      const idle = await pass();
      if (idle.result.expired + idle.result.renewed !== 0)
        throw new Error(`a quiet expiry pass changed ${JSON.stringify(idle.result)}`);
      quiet.push(idle.ms);
      // Some active subscriptions that expire in the future fall due, some expired ones are renewed.
      await sql(
        `UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND
          WHERE suspended_reasons = 0 AND expires_at > UTC_TIMESTAMP(3) ORDER BY id LIMIT ${changes}`,
      );
      await sql(
        `UPDATE subscription SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 1 YEAR
          WHERE suspended_reasons = 8 AND expires_at <= UTC_TIMESTAMP(3) ORDER BY id DESC LIMIT ${changes}`,
      );
      const busy = await pass();
      changing.push(busy.ms);
      last = busy.result;
      log(
        `expiry round ${round}: quiet ${idle.ms.toFixed(1)} ms, with ${busy.result.expired} expired and ${busy.result.renewed} renewed ${busy.ms.toFixed(1)} ms`,
      );
    }
    return {
      subscriptions: Number(n),
      quiet_ms: round1(median(quiet)),
      changing_ms: round1(median(changing)),
      changes: last,
      rounds: ROUNDS,
    };
  } finally {
    await orm.close(true);
  }
}

/** Set-based, idempotent: the same spread on every run over the same ids. */
async function spreadExpiry(sql: <T>(statement: string, params?: unknown[]) => Promise<T>) {
  await sql(
    `UPDATE subscription SET expires_at = CASE
        WHEN id % 10 < 4 THEN UTC_TIMESTAMP(3) + INTERVAL (1 + id % 300) DAY
        WHEN id % 10 = 4 THEN UTC_TIMESTAMP(3) - INTERVAL (1 + id % 300) DAY
        ELSE NULL END`,
  );
  // The earlier expired ones carry the reason already, with their domains, as the pass left them.
  await sql(
    `UPDATE subscription SET suspended_reasons = suspended_reasons | 8, status = 'suspended' WHERE id % 10 = 4`,
  );
  await sql(
    `UPDATE domain d JOIN subscription s ON s.id = d.subscription_id
        SET d.suspended_reasons = d.suspended_reasons | 4, d.status = 'suspended'
      WHERE s.id % 10 = 4`,
  );
  await sql('ANALYZE TABLE subscription');
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
