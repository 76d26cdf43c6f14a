import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { Gauge } from 'prom-client';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { bullPrefix } from './redis-connection';
import { REDIS, RedisClient } from './redis-client';
import { DEPLOYMENT_QUEUES } from '../queues';
import { metricsRegistry } from '../metrics/registry';

/** The same in every process: read at most once per this long, however often and by whom it is scraped. */
export const SHARED_STATE_TTL_MS = 5_000;
/** A read that takes longer fails the scrape well within Prometheus's default 10 s scrape timeout. */
export const SHARED_STATE_TIMEOUT_MS = 3_000;

/** A state of BullMQ's and the Redis command that counts its jobs (`wait` and `paused` both count as waiting). */
const STATE_KEYS: ReadonlyArray<[state: string, command: 'llen' | 'zcard', key: string]> = [
  ['waiting', 'llen', 'wait'],
  ['waiting', 'llen', 'paused'],
  ['active', 'llen', 'active'],
  ['delayed', 'zcard', 'delayed'],
  ['prioritized', 'zcard', 'prioritized'],
  ['waiting-children', 'zcard', 'waiting-children'],
  ['completed', 'zcard', 'completed'],
  ['failed', 'zcard', 'failed'],
];

interface SharedState {
  queueJobs: Array<{ queue: string; state: string; jobs: number }>;
  outboxBacklog: number;
  /** 0 when nothing is pending. */
  oldestPendingSeconds: number;
}

let read: (() => Promise<SharedState>) | undefined;

new Gauge({
  name: 'clientele_queue_jobs',
  help: 'Jobs in each BullMQ queue of the deployment, by state.',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    const state = await read?.();
    this.reset();
    for (const { queue, state: jobState, jobs } of state?.queueJobs ?? [])
      this.inc({ queue, state: jobState }, jobs);
  },
});

new Gauge({
  name: 'clientele_outbox_backlog_events',
  help: 'Committed events the relay has not handed to the delivery queue yet.',
  registers: [metricsRegistry],
  async collect() {
    const state = await read?.();
    if (state) this.set(state.outboxBacklog);
  },
});

new Gauge({
  name: 'clientele_outbox_oldest_pending_seconds',
  help: 'Age of the oldest event the relay has not handed on yet (0 when none is pending).',
  registers: [metricsRegistry],
  async collect() {
    const state = await read?.();
    if (state) this.set(state.oldestPendingSeconds);
  },
});

/**
 * Queue depth and outbox backlog, which every process exports alike: one Redis pipeline and one
 * SQL query per SHARED_STATE_TTL_MS, shared by the gauges of a scrape and by scrapes close together.
 */
@Injectable()
export class SharedStateMetrics implements OnModuleInit, OnModuleDestroy {
  private cached: { at: number; state: Promise<SharedState> } | undefined;
  /** `<REDIS_PREFIX>:bull`, less the prefix the shared client adds to every key itself. */
  private readonly queueKeyPrefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const clientPrefix = redis.options.keyPrefix ?? '';
    this.queueKeyPrefix = bullPrefix(config).slice(clientPrefix.length);
  }

  onModuleInit(): void {
    read = () => this.current();
  }

  onModuleDestroy(): void {
    read = undefined;
  }

  current(): Promise<SharedState> {
    if (this.cached && Date.now() - this.cached.at < SHARED_STATE_TTL_MS) return this.cached.state;
    const state = this.readState();
    this.cached = { at: Date.now(), state };
    // A failed read is not kept: the next scrape tries again.
    state.catch(() => (this.cached = undefined));
    return state;
  }

  private async readState(): Promise<SharedState> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`Redis or MySQL did not answer within ${SHARED_STATE_TIMEOUT_MS} ms`)),
        SHARED_STATE_TIMEOUT_MS,
      );
    });
    try {
      const [queueJobs, outbox] = await Promise.race([
        Promise.all([this.countQueueJobs(), this.readOutbox()]),
        timeout,
      ]);
      return { queueJobs, ...outbox };
    } finally {
      clearTimeout(timer);
    }
  }

  private async countQueueJobs(): Promise<SharedState['queueJobs']> {
    const pipeline = this.redis.pipeline();
    for (const queue of DEPLOYMENT_QUEUES)
      for (const [, command, key] of STATE_KEYS)
        pipeline[command](`${this.queueKeyPrefix}:${queue}:${key}`);
    const replies = (await pipeline.exec()) ?? [];
    return DEPLOYMENT_QUEUES.flatMap((queue, q) =>
      STATE_KEYS.map(([state], k) => {
        const [error, count] = replies[q * STATE_KEYS.length + k] ?? [];
        if (error) throw error;
        return { queue, state, jobs: Number(count ?? 0) };
      }),
    );
  }

  private async readOutbox(): Promise<Omit<SharedState, 'queueJobs'>> {
    // The oldest pending row by id (the undispatched index), not MIN(created_at) over the backlog.
    const [row] = await this.em
      .getConnection()
      .execute<Array<{ backlog: string | number; oldest_ms: string | number | null }>>(
        `SELECT COUNT(*) AS backlog,
              TIMESTAMPDIFF(MICROSECOND,
                (SELECT created_at FROM outbox_event WHERE dispatched_at IS NULL ORDER BY id LIMIT 1),
                UTC_TIMESTAMP(6)) / 1000 AS oldest_ms
         FROM outbox_event WHERE dispatched_at IS NULL`,
      );
    return {
      outboxBacklog: Number(row.backlog),
      oldestPendingSeconds: row.oldest_ms === null ? 0 : Math.max(0, Number(row.oldest_ms) / 1000),
    };
  }
}
