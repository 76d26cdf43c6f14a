import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { SYSTEM_ACTOR } from '../auth/principal';
import { retriedTransaction } from '../database/lock-conflicts';
import { SuspensionService } from '../suspension/suspension.service';

/**
 * Applies and lifts the `expired` reason as subscriptions' `expiresAt` passes or moves: a
 * maintenance job (SUBSCRIPTION_EXPIRY_INTERVAL_MS).
 */
@Injectable()
export class SubscriptionExpiry {
  private readonly logger = new Logger(SubscriptionExpiry.name);

  constructor(
    private readonly em: EntityManager,
    private readonly suspension: SuspensionService,
  ) {}

  async apply(): Promise<{ expired: number; renewed: number }> {
    // Tried again as a whole on a conflict: API writes through another node touch the same rows.
    const result = await retriedTransaction(this.em.fork(), (em) =>
      this.suspension.applyExpiry(em, new Date(), { actor: SYSTEM_ACTOR }),
    );
    if (result.expired + result.renewed > 0)
      this.logger.log(
        `expiry: ${result.expired} subscription(s) expired, ${result.renewed} renewed`,
      );
    return result;
  }
}
