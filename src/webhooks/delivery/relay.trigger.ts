import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { OutboxRelay } from './relay.service';

/**
 * Starts a relay pass right after any transaction of this process commits, since any of them may
 * have written outbox rows (also set-based INSERT ... SELECT ones that the unit of work never sees).
 * Commits that arrive while a pass runs are coalesced into one more pass. If this process dies
 * before its pass, the sweep (RelaySweep) relays the events instead.
 */
@Injectable()
export class RelayTrigger implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RelayTrigger.name);
  private scheduled = false;
  private running: Promise<void> | null = null;
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
      this.logger.warn(
        `relay pass failed, the sweep will retry: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
