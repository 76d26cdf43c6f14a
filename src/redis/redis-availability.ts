import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { REDIS, RedisClient } from './redis-client';
import { withinRedisDeadline } from './redis-deadline';

/** How often Redis is probed with a write, and how long the probe may take. */
const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;
const PROBE_KEY = 'availability-probe';

/** `read-only`: Redis answers but refuses writes (a replica after a failover, READONLY, OOM, NOREPLICAS). */
export type RedisState = 'writable' | 'read-only' | 'unreachable';

export interface RedisStatus {
  state: RedisState;
  detail: string | null;
}

/**
 * Whether this process can use Redis, judged by a real write (a replica answers PING but refuses
 * writes, which is what queueing a job needs). Probes every second; listeners registered with
 * `onWritableAgain` run each time Redis becomes writable after an outage, in every process, so
 * work recorded in MySQL meanwhile can be queued without waiting for a restart.
 */
/** What a failed command says about Redis: a refusal (READONLY, OOM, NOREPLICAS...) or no answer. */
function statusAfter(error: unknown): RedisStatus {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof Error && error.name === 'ReplyError' && /^[A-Z]{3,}\b/.test(message)
    ? { state: 'read-only', detail: message }
    : { state: 'unreachable', detail: message };
}

@Injectable()
export class RedisAvailability implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedisAvailability.name);
  private current: RedisStatus = { state: 'writable', detail: null };
  private readonly listeners: Array<() => Promise<unknown>> = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  onApplicationBootstrap(): void {
    this.scheduleProbe();
    // A restart can fall between two probes (a Redis without persistence is back, empty, within
    // a second): every reconnection counts as coming back, so what it lost is queued again at once.
    this.redis.on('ready', () => {
      if (!this.stopped) void this.cameBack('reconnected');
    });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** The state the last probe saw (at most a second old). */
  status(): RedisStatus {
    return this.current;
  }

  /** True when a Redis command would be sent now, not queued until a reconnect. */
  isConnected(): boolean {
    return this.redis.status === 'ready';
  }

  onWritableAgain(listener: () => Promise<unknown>): void {
    this.listeners.push(listener);
  }

  /**
   * A command failed for want of Redis. Recorded at once, so that Redis coming back is noticed
   * (and the listeners run) even if the whole outage fell between two probes.
   */
  reportFailure(error: unknown): void {
    if (this.current.state === 'writable') this.current = statusAfter(error);
  }

  /** Probes now: answers within PROBE_TIMEOUT_MS whatever Redis does. */
  async probe(): Promise<RedisStatus> {
    if (!this.isConnected()) {
      return { state: 'unreachable', detail: `connection ${this.redis.status}` };
    }
    try {
      await withinRedisDeadline(
        this.redis.set(PROBE_KEY, String(Date.now()), 'PX', 10_000),
        PROBE_TIMEOUT_MS,
        'availability probe',
      );
      return { state: 'writable', detail: null };
    } catch (error) {
      return statusAfter(error);
    }
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.timer = setTimeout(
      () => void this.observe().finally(() => this.scheduleProbe()),
      PROBE_INTERVAL_MS,
    );
    this.timer.unref();
  }

  private async observe(): Promise<void> {
    const previous = this.current;
    this.current = await this.probe();
    if (previous.state === this.current.state) return;
    if (this.current.state !== 'writable') {
      this.logger.warn(`Redis ${this.current.state}: ${this.current.detail}`);
      return;
    }
    await this.cameBack(`writable again (was ${previous.state})`);
  }

  private async cameBack(how: string): Promise<void> {
    this.logger.log(`Redis ${how}`);
    for (const listener of this.listeners) {
      await listener().catch((error: unknown) =>
        this.logger.warn(
          `after Redis came back: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
  }
}
