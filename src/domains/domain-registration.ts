import { Injectable } from '@nestjs/common';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/mysql';
import { Conflict } from '../common/domain-errors';
import { EventOutbox } from '../events/event-outbox.service';
import { Subscription } from '../hosting/subscription.entity';
import { SuspensionReason } from '../hosting/suspension-reason';
import { Domain } from '../hosting/domain.entity';
import { DomainName } from './domain-name';
import { toDomainView } from '../hosting/domain.views';

/**
 * Adds a domain to a subscription whose customer the caller has locked: the one way domains come
 * into being (a subscription's main domain and added domains alike). A domain of a suspended
 * subscription starts with the reason `subscription`.
 */
@Injectable()
export class DomainRegistration {
  constructor(private readonly outbox: EventOutbox) {}

  async register(
    em: EntityManager,
    subscription: Subscription,
    name: DomainName,
    actor: string,
  ): Promise<Domain> {
    await assertDomainNameFree(em, name.name);
    const domain = em.create(Domain, {
      subscription,
      customer: subscription.customer,
      name: name.name,
      unicodeName: name.unicodeName,
      suspendedReasons: subscription.suspendedReasons === 0 ? 0 : SuspensionReason.Subscription,
      status: subscription.suspendedReasons === 0 ? 'active' : 'suspended',
    });
    await em.flush();
    await this.outbox.record(em, {
      type: 'domain.created',
      objectType: 'domain',
      objectId: domain.id,
      customerId: subscription.customer.id,
      actor,
      payload: { domain: toDomainView(domain) },
    });
    return domain;
  }
}

export async function assertDomainNameFree(em: EntityManager, name: string): Promise<void> {
  if ((await em.count(Domain, { name })) > 0) throw domainNameTaken(name);
}

/** A race past `assertDomainNameFree` still ends at the unique index: answer 409, not 500. */
export async function withDomainNameUniqueness<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (
      error instanceof UniqueConstraintViolationException &&
      error.message.includes('domain_name_unique')
    )
      throw domainNameTaken();
    throw error;
  }
}

function domainNameTaken(name?: string): Conflict {
  return new Conflict(name ? `The domain ${name} exists already.` : 'The domain exists already.', [
    { field: 'name', code: 'not_unique', message: 'is already taken' },
  ]);
}
