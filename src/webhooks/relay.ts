import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { EntityManager, IsolationLevel } from '@mikro-orm/mysql';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { readYourClusterIn } from '../database/cluster-reads';
import { retryOnLockConflict } from '../database/lock-conflicts';
import { withinRedisDeadline } from '../redis/redis-deadline';
import {
  addJobs,
  DELIVER_WEBHOOKS,
  QueueOf,
  WAKE_UP_OPTIONS,
  WEBHOOK_DELIVERY_QUEUE,
} from '../queues';
import { Deliveries } from './deliveries';

/**
 * From committed events to woken workers: the relay (and what triggers it after each commit), the
 * wake-up jobs (which WebhookSender runs), and the sweep and retention that src/maintenance.ts
 * runs (both provided by the WorkerModule).
 */

const BATCH = 2000;
/**
 * How long waking endpoints may wait for Redis. BullMQ's client waits for ever while Redis is
 * down; past this the relay gives up on the wake-up (the deliveries wait in MySQL and the sweep
 * wakes their endpoints), so neither a relay pass nor the shutdown that awaits it hangs.
 */
export const WAKE_UP_DEADLINE_MS = 3_000;

/**
 * Jobs that may work for one endpoint at once. Their ids are fixed (`e<endpoint>.<lane>`), so an
 * endpoint never has more than this many delivery jobs in Redis, however much it is owed: adding a
 * job whose id exists does nothing.
 */
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
 * Turns committed outbox events into deliveries, a batch per transaction (Deliveries.relay), and
 * after each commit wakes the endpoints. If the transaction fails, the claim rolls back and a later
 * pass (or the sweep) relays the events again. Order does not depend on passes: a delivery waits
 * for every earlier event of its customer to be relayed (see Deliveries.claim).
 *
 * On a Galera cluster a pass reads causally (it sees rows other processes committed through other
 * nodes, which the sweep relays), and a certification conflict with another node's pass (1213 at
 * COMMIT) runs the pass again, bounded and counted like every transaction.
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
    // A connection-level transaction fires no ORM transaction events, so relaying does not trigger
    // another relay pass. READ COMMITTED takes no gap locks: writers appending events never wait.
    const { relayed, endpoints } = await retryOnLockConflict(() =>
      connection.transactional(
        async (trx) => {
          await readYourClusterIn(connection, trx);
          return this.deliveries.relay(trx, BATCH);
        },
        { isolationLevel: IsolationLevel.READ_COMMITTED },
      ),
    );
    // After the commit, so a woken worker finds the deliveries. If this process dies first (or
    // Redis refuses), they wait in MySQL and the sweep wakes their endpoints.
    await this.wakeUps.wake(endpoints);
    return relayed;
  }
}

/**
 * Starts a relay pass right after any transaction of this process commits, since any of them may
 * have written outbox rows (also set-based INSERT ... SELECT ones that the unit of work never sees).
 * Commits that arrive while a pass runs are coalesced into one more pass. If this process dies
 * before its pass, the sweep relays the events instead.
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
      // Nothing is lost: the events stay undispatched and the sweep relays them.
      this.logger.warn(`relay pass failed, the sweep will retry: ${String(error)}`);
    }
  }
}

/**
 * The heartbeat of delivery, a maintenance job (SWEEP_DELIVERIES, every RELAY_SWEEP_INTERVAL_MS;
 * one run per interval however many workers): relays events a crash left in the outbox, puts
 * deliveries in their endpoint's state (see Deliveries.followEndpoints), and wakes every endpoint
 * with something due (retries, probes of a failing endpoint, deliveries whose job died with a
 * worker or with Redis).
 */
@Injectable()
export class DeliverySweep {
  private readonly logger = new Logger(DeliverySweep.name);

  constructor(
    private readonly relay: OutboxRelay,
    private readonly deliveries: Deliveries,
    private readonly wakeUps: DeliveryWakeUps,
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
}

/** Keeps deliveries, their attempts and relayed events to RETENTION_DAYS: an hourly maintenance job (PRUNE_DELIVERIES). */
@Injectable()
export class DeliveryRetention {
  constructor(
    private readonly deliveries: Deliveries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  prune(): Promise<number> {
    return this.deliveries.prune(this.config.retentionDays);
  }
}
