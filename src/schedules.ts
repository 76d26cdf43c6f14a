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
import { APP_CONFIG, AppConfig } from './config/app-config';
import { jobSchedules, MAINTENANCE_QUEUE, RETIRED_QUEUES, SCHEDULED_JOB_OPTIONS } from './queues';

/** Schedules live in Redis: a Redis restarted empty loses them, so every worker registers them again this often. */
const REREGISTER_MS = 60_000;

/**
 * Registers the repeatable jobs when a worker starts, and again every minute (a Redis restarted
 * without persistence forgets them). An upsert by fixed id: however many workers start or
 * restart, the deployment has one schedule each (the latest interval wins), and BullMQ adds each
 * run once, whichever worker then takes it.
 *
 * Each registration also empties the queues of earlier versions (RETIRED_QUEUES), whose jobs no
 * worker takes any more: their schedules, waiting runs and history. Every time, since during a
 * rolling upgrade the old workers still register theirs every minute.
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
    const queue = this.queue(MAINTENANCE_QUEUE);
    for (const [name, every] of Object.entries(jobSchedules(this.config)))
      await queue.upsertJobScheduler(name, { every }, { name, opts: SCHEDULED_JOB_OPTIONS });
    for (const retired of RETIRED_QUEUES) await this.empty(this.queue(retired));
  }

  private async empty(retired: Queue): Promise<void> {
    const schedulers = await retired.getJobSchedulers();
    for (const { key } of schedulers) await retired.removeJobScheduler(key);
    await retired.drain(true);
    for (const finished of ['completed', 'failed'] as const) await retired.clean(0, 0, finished);
    if (schedulers.length > 0)
      this.logger.log(
        `queue ${retired.name} (of an earlier version): ${schedulers.length} schedule(s) removed`,
      );
  }
}
