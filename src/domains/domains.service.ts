import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode, ObjectQuery } from '@mikro-orm/mysql';
import { retriedTransaction } from '../database/lock-conflicts';
import { actorOf, Principal } from '../auth/principal';
import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import { Conflict, NotFound } from '../common/domain-errors';
import { Customer } from '../hosting/customer.entity';
import { EventOutbox } from '../events/event-outbox.service';
import { Subscription } from '../hosting/subscription.entity';
import { CASCADE_TRANSACTION } from '../suspension/cascade-transaction';
import { SuspensionService } from '../suspension/suspension.service';
import { Domain } from '../hosting/domain.entity';
import { parseDomainName } from './domain-name';
import { DomainRegistration, withDomainNameUniqueness } from './domain-registration';
import { DomainView, toDomainView } from '../hosting/domain.views';
import { CreateDomainDto } from './dto/domain-input.dto';
import { ListDomainsQuery } from './dto/list-domains.query';

/**
 * Domains: administrators manage all; customers read theirs and add or remove domains in their own
 * active subscriptions. Another customer's objects are 404 to a customer.
 */
@Injectable()
export class DomainsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    private readonly registration: DomainRegistration,
    private readonly suspension: SuspensionService,
  ) {}

  async list(auth: Principal, query: ListDomainsQuery): Promise<Page<DomainView>> {
    if (
      auth.customerId !== null &&
      query.customerId !== undefined &&
      query.customerId !== auth.customerId
    )
      return { items: [], nextCursor: null };
    const where: ObjectQuery<Domain> = { ...visibleTo(auth) };
    if (query.customerId !== undefined) where.customer = query.customerId;
    if (query.subscriptionId !== undefined) where.subscription = query.subscriptionId;
    if (query.status) where.status = query.status;
    if (query.cursor) where.id = { $gt: decodeCursor(query.cursor, isIdCursor).id };
    if (query.q) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.$or = [{ name: { $like: like } }, { unicodeName: { $like: like } }];
    }
    const rows = await this.em.find(Domain, where, {
      orderBy: { id: 'asc' },
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (d) => ({ id: d.id }), toDomainView);
  }

  async get(auth: Principal, id: number): Promise<DomainView> {
    const domain = await this.em.fork().findOne(Domain, { id, ...visibleTo(auth) });
    if (!domain) throw new NotFound('Domain', id);
    return toDomainView(domain);
  }

  async create(auth: Principal, dto: CreateDomainDto): Promise<DomainView> {
    const name = parseDomainName(dto.name);
    const id = await withDomainNameUniqueness(() =>
      retriedTransaction(
        this.em,
        async (em) => {
          const owner = await em.findOne(
            Subscription,
            { id: dto.subscriptionId, ...visibleToOwner(auth) },
            { fields: ['customer'] },
          );
          if (!owner) throw new NotFound('Subscription', dto.subscriptionId);
          await em.findOne(Customer, owner.customer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
          const subscription = await em.findOne(Subscription, dto.subscriptionId, {
            lockMode: LockMode.PESSIMISTIC_WRITE,
            refresh: true,
          });
          if (!subscription) throw new NotFound('Subscription', dto.subscriptionId);
          if (auth.customerId !== null && subscription.status !== 'active') {
            throw new Conflict(
              `Subscription ${subscription.id} is suspended: domains can be added only to active subscriptions.`,
            );
          }
          return (await this.registration.register(em, subscription, name, actorOf(auth))).id;
        },
        CASCADE_TRANSACTION,
      ),
    );
    return this.get(auth, id);
  }

  /** The main domain (named like its subscription) goes only with its subscription. */
  async remove(auth: Principal, id: number): Promise<void> {
    await retriedTransaction(
      this.em,
      async (em) => {
        const found = await em.findOne(
          Domain,
          { id, ...visibleTo(auth) },
          { fields: ['customer'] },
        );
        if (!found) throw new NotFound('Domain', id);
        await em.findOne(Customer, found.customer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
        const domain = await em.findOne(Domain, id, {
          lockMode: LockMode.PESSIMISTIC_WRITE,
          refresh: true,
          populate: ['subscription'],
        });
        if (!domain) throw new NotFound('Domain', id);
        const subscription = domain.subscription.getEntity();
        if (subscription.name === domain.name) {
          throw new Conflict(
            `${domain.name} is the main domain of subscription ${subscription.id}; remove the subscription instead.`,
          );
        }
        if (auth.customerId !== null && subscription.status !== 'active') {
          throw new Conflict(
            `Subscription ${subscription.id} is suspended: domains can be removed only from active subscriptions.`,
          );
        }
        await this.outbox.record(em, {
          type: 'domain.deleted',
          objectType: 'domain',
          objectId: id,
          customerId: domain.customer.id,
          actor: actorOf(auth),
          payload: { domain: toDomainView(domain) },
        });
        await em.nativeDelete(Domain, { id });
        em.getUnitOfWork().unsetIdentity(domain);
      },
      CASCADE_TRANSACTION,
    );
  }

  async suspend(auth: Principal, id: number): Promise<DomainView> {
    const outcome = await retriedTransaction(
      this.em,
      (em) => this.suspension.suspendDomain(em, id, { actor: actorOf(auth) }),
      CASCADE_TRANSACTION,
    );
    if (outcome === 'not_found') throw new NotFound('Domain', id);
    return this.get(auth, id);
  }

  async activate(auth: Principal, id: number): Promise<DomainView> {
    const outcome = await retriedTransaction(
      this.em,
      (em) => this.suspension.activateDomain(em, id, { actor: actorOf(auth) }),
      CASCADE_TRANSACTION,
    );
    if (outcome === 'not_found') throw new NotFound('Domain', id);
    return this.get(auth, id);
  }
}

function visibleTo(auth: Principal): ObjectQuery<Domain> {
  return auth.customerId === null ? {} : { customer: auth.customerId };
}

function visibleToOwner(auth: Principal): ObjectQuery<Subscription> {
  return auth.customerId === null ? {} : { customer: auth.customerId };
}
