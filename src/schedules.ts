import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { maintenanceSchedules } from './bulk/bulk-queue';
import { APP_CONFIG, AppConfig } from './config/app-config';
import {
  DELIVERY_RETENTION_QUEUE,
  DELIVERY_SWEEP_QUEUE,
  MAINTENANCE_QUEUE,
  PRUNE_DELIVERIES,
  SWEEP_DELIVERIES,
} from './queues';

/** A repeatable job: `name` is added to `queue` every `everyMs`. */
export interface JobSchedule {
  queue: string;
  schedulerId: string;
  name: string;
  everyMs: number;
}

const HOURLY = 3_600_000;
/** Schedules live in Redis: a Redis restarted empty loses them, so every worker registers them again this often. */
const REREGISTER_MS = 60_000;

/** Every repeatable job of the deployment, in one list. */
export const jobSchedules = (config: AppConfig): JobSchedule[] => [
  ...maintenanceSchedules(config).map((schedule) => ({ queue: MAINTENANCE_QUEUE, ...schedule })),
  {
    queue: DELIVERY_SWEEP_QUEUE,
    schedulerId: 'outbox-sweep',
    name: SWEEP_DELIVERIES,
    everyMs: config.relaySweepIntervalMs,
  },
  {
    queue: DELIVERY_RETENTION_QUEUE,
    schedulerId: 'webhook-delivery-log-prune',
    name: PRUNE_DELIVERIES,
    everyMs: HOURLY,
  },
];

/**
 * Registers the repeatable jobs when a worker starts, and again every minute (a Redis restarted
 * without persistence forgets them). An upsert by fixed id: however many workers start or
 * restart, the deployment has one schedule each (the latest interval wins), and BullMQ adds each
 * run once, whichever worker then takes it.
 */
@Injectable()
export class JobSchedulers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobSchedulers.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly modules: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    const registerAgain = () =>
      this.register().catch((error: unknown) =>
        this.logger.warn(`registering the job schedules failed: ${String(error)}`),
      );
    // At once when the connection is back (the sweep must run soon after an empty restart), and
    // every minute in case Redis lost them without the connection dropping (FLUSHALL, a failover).
    const client = await this.queue(MAINTENANCE_QUEUE).client;
    client.on('ready', registerAgain);
    this.timer = setInterval(registerAgain, REREGISTER_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private queue(name: string): Queue {
    return this.modules.get<Queue>(getQueueToken(name), { strict: false });
  }

  private async register(): Promise<void> {
    for (const { queue, schedulerId, name, everyMs } of jobSchedules(this.config)) {
      await this.queue(queue).upsertJobScheduler(
        schedulerId,
        { every: everyMs },
        { name, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  }
}
