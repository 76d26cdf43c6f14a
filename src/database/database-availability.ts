import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleInit,
} from '@nestjs/common';
import { MikroORM } from '@mikro-orm/mysql';
import { DelayedError, Job, Processor } from 'bullmq';
import { isDatabaseUnreachable, isServerUnavailableReply } from './database-unreachable';
import { QueueWorkers } from './queue-workers';

/** How often the database is asked `SELECT 1`, and how long an answer may take. */
export const PROBE_INTERVAL_MS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;
/** A server that does not answer this many probes in a row (about 9 s) counts as unreachable. */
const SILENT_PROBES_TO_PAUSE = 3;
/** A job that met the outage is looked at again after this long (its worker is paused meanwhile). */
const DEFER_MS = 2_000;
/**
 * After an outage, connections the pool held across it may still fail once they are used ("The
 * server closed the connection") while MySQL answers again: for this long such a failure is part
 * of the outage, not the job's.
 */
const AFTERMATH_MS = 60_000;

export interface DatabaseAvailabilityStatus {
  reachable: boolean;
  /** When the database stopped answering; null while it answers. */
  unreachableSince: Date | null;
  lastError: string | null;
  /** How many BullMQ workers this process runs (0 in an API-only process). */
  workers: number;
}

/**
 * Keeps a worker process from burning its jobs' attempts while the database is away. While
 * MySQL does not answer, every BullMQ worker of the process is paused (no new jobs are taken) and
 * readiness fails; a job whose attempt ends on an unreachable database goes back to the delayed
 * set without spending an attempt (`job.moveToDelayed` skips the attempt count). Once `SELECT 1`
 * answers again the workers resume and the deferred jobs run from where they stopped.
 *
 * It applies to every processor of the process, whatever its feature: the processors are wrapped
 * when QueueWorkers starts them.
 */
@Injectable()
export class DatabaseAvailability
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(DatabaseAvailability.name);
  private unreachableSince: Date | null = null;
  /** When the last outage ended (MySQL answered again); null before any outage. */
  private reachableAgainAt: number | null = null;
  private lastError: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private transition: Promise<void> = Promise.resolve();
  /** Probes in a row that got no answer in time. */
  private slowProbes = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly workers: QueueWorkers,
  ) {}

  onModuleInit(): void {
    this.workers.start((processor) => this.deferredOnOutage(processor));
  }

  onApplicationBootstrap(): void {
    // An API-only process has no worker to pause; its readiness pings MySQL itself.
    if (this.workers.list().length > 0) this.scheduleProbe();
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
    clearTimeout(this.timer);
  }

  status(): DatabaseAvailabilityStatus {
    return {
      reachable: this.unreachableSince === null,
      unreachableSince: this.unreachableSince,
      lastError: this.lastError,
      workers: this.workers.list().length,
    };
  }

  /** Wraps a BullMQ processor function: an attempt that ends on an unreachable database is not spent. */
  private deferredOnOutage(processor: Processor): Processor {
    return async (job: Job, token?: string, signal?: AbortSignal) => {
      try {
        return await processor(job, token, signal);
      } catch (error) {
        if (!token || !(await this.isOutage(error))) throw error;
        this.logger.warn(
          `${job.queueName} job ${job.id} deferred, no attempt spent: database unreachable (${describe(error)})`,
        );
        await job.moveToDelayed(Date.now() + DEFER_MS, token);
        throw new DelayedError();
      }
    };
  }

  /**
   * Whether a job's error is the database being away: MySQL's own reply, MySQL not answering a
   * probe now, or a lost connection within AFTERMATH_MS of an outage (one the pool kept across it).
   */
  private async isOutage(error: unknown): Promise<boolean> {
    if (!isDatabaseUnreachable(error)) return false;
    if (isServerUnavailableReply(error)) {
      this.markUnreachable(error);
      return true;
    }
    if (!(await this.probe())) return true;
    return this.reachableAgainAt !== null && Date.now() - this.reachableAgainAt < AFTERMATH_MS;
  }

  private scheduleProbe(): void {
    if (this.stopping) return;
    this.timer = setTimeout(
      () => void this.probe().finally(() => this.scheduleProbe()),
      PROBE_INTERVAL_MS,
    );
    this.timer.unref();
  }

  /** Asks MySQL `SELECT 1`; true when it answered. */
  private async probe(): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.orm.em.getConnection().execute('SELECT 1'),
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () => reject(new ProbeTimeout(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
            PROBE_TIMEOUT_MS,
          );
        }),
      ]);
      this.slowProbes = 0;
      this.markReachable();
      return true;
    } catch (error) {
      // A busy server (or a busy process) can be slow to answer once; an unreachable one stays
      // silent. Refused or dropped connections count at once, silence only when it repeats.
      if (error instanceof ProbeTimeout && ++this.slowProbes < SILENT_PROBES_TO_PAUSE) return false;
      this.markUnreachable(error);
      return false;
    } finally {
      clearTimeout(timeout);
    }
  }

  private markUnreachable(error: unknown): void {
    this.lastError = describe(error);
    if (this.unreachableSince !== null || this.stopping) return;
    this.unreachableSince = new Date();
    this.inOrder(async () => {
      const paused = await this.workers.pauseAll();
      this.logger.warn(
        `database unreachable (${this.lastError}): paused ${paused} queue worker(s) until it answers again`,
      );
    });
  }

  private markReachable(): void {
    const since = this.unreachableSince;
    if (since === null || this.stopping) return;
    this.unreachableSince = null;
    this.lastError = null;
    this.reachableAgainAt = Date.now();
    this.inOrder(async () => {
      if (this.stopping) return;
      const resumed = this.workers.resumeAll();
      this.logger.log(
        `database reachable again after ${Math.round((Date.now() - since.getTime()) / 1000)} s: resumed ${resumed} queue worker(s)`,
      );
    });
  }

  /** Pauses and resumes happen one after another, in the order the probe saw the changes. */
  private inOrder(step: () => Promise<void>): void {
    this.transition = this.transition
      .then(step)
      .catch((error: unknown) =>
        this.logger.error(`pausing or resuming queue workers failed: ${describe(error)}`),
      );
  }
}

class ProbeTimeout extends Error {}

const describe = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 255);
