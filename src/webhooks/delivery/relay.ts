import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { readYourClusterIn } from '../../database/cluster-reads';
import { retryOnLockConflict } from '../../database/lock-conflicts';
import { withinRedisDeadline } from '../../redis/redis-deadline';
import {
  addJobs,
  DELIVER_WEBHOOKS,
  QueueOf,
  WAKE_UP_OPTIONS,
  WEBHOOK_DELIVERY_QUEUE,
} from '../../queues';
import { Deliveries } from './deliveries';

/** From committed events to woken workers: the relay, its trigger, the wake-ups and the sweep. */

const BATCH = 2000;
/**
 * BullMQ waits for ever while Redis is down; past this a wake-up is given up (the deliveries wait
 * in MySQL for the sweep), so neither a relay pass nor the shutdown awaiting it hangs.
 */
export const WAKE_UP_DEADLINE_MS = 3_000;
/** Jobs per endpoint. Their ids are fixed (`e<endpoint>.<lane>`): however much is owed, Redis holds this many. */
const LANES = 4;

/** Wakes workers for endpoints; what they send is found in MySQL. */
@Injectable()
export class DeliveryWakeUps {
  constructor(
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE)
    private readonly queue: QueueOf<typeof WEBHOOK_DELIVERY_QUEUE>,
  ) {}

  async wake(endpointIds: number[]): Promise<void> {
    if (endpointIds.length === 0) return;
    await withinRedisDeadline(
      addJobs(
        this.queue,
        [...new Set(endpointIds)].flatMap((endpointId) =>
          Array.from({ length: LANES }, (_, lane) => ({
            name: DELIVER_WEBHOOKS,
            data: { endpointId },
            opts: { ...WAKE_UP_OPTIONS, jobId: `e${endpointId}.${lane}` },
          })),
        ),
      ),
      WAKE_UP_DEADLINE_MS,
      'waking webhook endpoints',
    );
  }
}

/**
 * Turns committed outbox events into deliveries, a batch per transaction, and wakes their
 * endpoints after each commit; a failed pass leaves the events to the next one or the sweep. On
 * Galera a pass reads causally, and a certification conflict at COMMIT runs it again.
 */
@Injectable()
export class OutboxRelay {
  constructor(
    private readonly em: EntityManager,
    private readonly deliveries: Deliveries,
    private readonly wakeUps: DeliveryWakeUps,
  ) {}

  /** Relays until nothing undispatched is left; returns how many events it handled. */
  async relayAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const handled = await this.relayBatch();
      total += handled;
      if (handled < BATCH) return total;
    }
  }

  private async relayBatch(): Promise<number> {
    const connection = this.em.getConnection();
    // Connection-level, so it fires no ORM commit event (no pass triggers another pass). READ
    // COMMITTED takes no gap locks: writers appending events never wait.
    const { relayed, endpoints } = await retryOnLockConflict(() =>
      connection.transactional(
        async (trx) => {
          await readYourClusterIn(connection, trx);
          return this.deliveries.relay(trx, BATCH);
        },
        { isolationLevel: IsolationLevel.READ_COMMITTED },
      ),
    );
    // After the commit, so a woken worker finds them; if waking fails, the sweep wakes them.
    await this.wakeUps.wake(endpoints);
    return relayed;
  }
}

/**
 * A relay pass after every commit of this process (any may have written outbox rows, also with
 * SQL the unit of work never sees); commits during a pass make one more pass.
 */
@Injectable()
export class RelayTrigger implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RelayTrigger.name);
  private running: Promise<void> | null = null;
  private scheduled = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly rootEm: EntityManager,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    this.rootEm
      .getEventManager()
      .registerSubscriber({ afterTransactionCommit: () => this.request() });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  request(): void {
    if (this.stopped || this.scheduled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.running = this.pass().finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.request();
        }
      });
    });
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.relay.relayAll();
    } catch (error) {
      this.logger.warn(`relay pass failed, the sweep will retry: ${String(error)}`);
    }
  }
}

/**
 * The heartbeat of delivery (maintenance jobs): relays what a crash left in the outbox, puts
 * deliveries in their endpoint's state, wakes every endpoint with something due (retries, probes,
 * deliveries whose job died with a worker or with Redis), and keeps RETENTION_DAYS.
 */
@Injectable()
export class DeliverySweep {
  private readonly logger = new Logger(DeliverySweep.name);

  constructor(
    private readonly relay: OutboxRelay,
    private readonly deliveries: Deliveries,
    private readonly wakeUps: DeliveryWakeUps,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<{ relayed: number; woken: number }> {
    const relayed = await this.relay.relayAll();
    if (relayed > 0) this.logger.log(`sweep relayed ${relayed} event(s) no relay pass had handled`);
    const moved = await this.deliveries.followEndpoints();
    if (moved > 0)
      this.logger.log(
        `sweep put ${moved} deliveries in their endpoint's state (paused or pending)`,
      );
    const due = await this.deliveries.dueEndpoints();
    await this.wakeUps.wake(due);
    return { relayed, woken: due.length };
  }

  prune(): Promise<number> {
    return this.deliveries.prune(this.config.retentionDays);
  }
}
