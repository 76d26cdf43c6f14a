import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { BullRegistrar, WorkerHost } from '@nestjs/bullmq';
import { Processor, Queue, Worker } from 'bullmq';
import { RedisAvailability } from '../redis/redis-availability';
import { endNow } from '../redis/redis-client';

/** While Redis is away, each queue and worker says so at most this often. */
const ERROR_LOG_EVERY_MS = 10_000;

/**
 * The BullMQ workers of this process, whatever feature declared them (every `@Processor` class
 * extends WorkerHost). CoreModule sets `manualRegistration`, so the workers start here (through
 * BullRegistrar, as @nestjs/bullmq documents), once every processor is wrapped: `start(wrap)`
 * puts `wrap` around each processor's own `process` method, which is what its worker runs.
 */
@Injectable()
export class QueueWorkers implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QueueWorkers.name);
  /** Only these are resumed: a worker paused for another reason (shutting down) stays paused. */
  private readonly pausedHere = new Set<Worker>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly registrar: BullRegistrar,
    private readonly redis: RedisAvailability,
  ) {}

  /**
   * With Redis unreachable, a graceful close never ends: BullMQ waits for its QUIT to be answered
   * while its clients reconnect for ever, and a supervisor would have to SIGKILL the process. So
   * then workers and queues are closed by force, without waiting for their jobs: what those jobs
   * do is held in MySQL, and a lease or the stalled check gives it to another worker.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.redis.status().state !== 'unreachable') return;
    this.logger.warn('Redis is unreachable: closing queues and workers without waiting for them');
    await Promise.allSettled([
      ...this.list().map((worker) => worker.close(true)),
      ...this.queues().map(async (queue) => endNow(await queue.client)),
    ]);
  }

  start(wrap: (processor: Processor) => Processor): void {
    for (const host of this.hosts()) {
      // An own property of the instance, in front of its class's method.
      host.process = wrap(host.process.bind(host)) as WorkerHost['process'];
    }
    this.registrar.register();
    for (const worker of this.list()) this.logErrors(worker);
    for (const queue of this.queues()) this.logErrors(queue);
  }

  /**
   * Queues and workers report Redis trouble (a lost connection, READONLY on a replica) as 'error'
   * events, several a second; without a listener BullMQ prints each with its stack to stderr.
   * One log line per 10 s instead.
   */
  private logErrors(emitter: Worker | Queue): void {
    let lastLogged = 0;
    const log = (error: Error) => {
      if (Date.now() - lastLogged < ERROR_LOG_EVERY_MS) return;
      lastLogged = Date.now();
      const kind = emitter instanceof Worker ? 'worker' : 'queue';
      this.logger.warn(`${kind} ${emitter.name}: ${error.message}`);
    };
    if (emitter instanceof Worker) emitter.on('error', log);
    else emitter.on('error', log);
  }

  private queues(): Queue[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is Queue => instance instanceof Queue);
  }

  private hosts(): WorkerHost[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost);
  }

  list(): Worker[] {
    return this.hosts().flatMap((host) => {
      try {
        return [host.worker];
      } catch {
        return []; // a processor BullMQ did not start (its queue is not registered)
      }
    });
  }

  /** Stops fetching new jobs; jobs already running go on (they defer themselves if they hit the outage). */
  async pauseAll(): Promise<number> {
    const running = this.list().filter((worker) => !worker.isPaused() && !worker.closing);
    for (const worker of running) this.pausedHere.add(worker);
    await Promise.all(running.map((worker) => worker.pause(true)));
    return running.length;
  }

  resumeAll(): number {
    const paused = [...this.pausedHere].filter((worker) => !worker.closing);
    this.pausedHere.clear();
    for (const worker of paused) worker.resume();
    return paused.length;
  }
}
