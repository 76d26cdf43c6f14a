import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode, ObjectQuery } from '@mikro-orm/mysql';
import { retriedTransaction } from '../database/lock-conflicts';
import { actorOf, Principal } from '../auth/principal';
import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import { NotFound } from '../common/domain-errors';
import { Customer } from '../hosting/customer.entity';
import { DomainRegistration, withDomainNameUniqueness } from '../domains/domain-registration';
import { parseDomainName } from '../domains/domain-name';
import { EventOutbox } from '../events/event-outbox.service';
import { SuspensionReason } from '../hosting/suspension-reason';
import { CASCADE_TRANSACTION } from '../suspension/cascade-transaction';
import { SuspensionService } from '../suspension/suspension.service';
import { CreateSubscriptionDto, UpdateSubscriptionDto } from './dto/subscription-input.dto';
import { ListSubscriptionsQuery } from './dto/list-subscriptions.query';
import { Subscription } from '../hosting/subscription.entity';
import { SubscriptionView, toSubscriptionView } from '../hosting/subscription.views';

/** Subscriptions: administrators manage them; customers read their own. Status changes go through SuspensionService. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: EventOutbox,
    private readonly domains: DomainRegistration,
    private readonly suspension: SuspensionService,
  ) {}

  async list(auth: Principal, query: ListSubscriptionsQuery): Promise<Page<SubscriptionView>> {
    if (
      auth.customerId !== null &&
      query.customerId !== undefined &&
      query.customerId !== auth.customerId
    )
      return { items: [], nextCursor: null };
    const where: ObjectQuery<Subscription> = { ...visibleTo(auth) };
    if (query.customerId !== undefined) where.customer = query.customerId;
    if (query.status) where.status = query.status;
    if (query.cursor) where.id = { $gt: decodeCursor(query.cursor, isIdCursor).id };
    const rows = await this.em.find(Subscription, where, {
      orderBy: { id: 'asc' },
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (s) => ({ id: s.id }), toSubscriptionView);
  }

  async get(auth: Principal, id: number): Promise<SubscriptionView> {
    const subscription = await this.em.fork().findOne(Subscription, { id, ...visibleTo(auth) });
    if (!subscription) throw new NotFound('Subscription', id);
    return toSubscriptionView(subscription);
  }

  /** Creates the subscription and its main domain; for a suspended customer both start suspended. */
  async create(auth: Principal, dto: CreateSubscriptionDto): Promise<SubscriptionView> {
    const name = parseDomainName(dto.name);
    const actor = actorOf(auth);
    const id = await withDomainNameUniqueness(() =>
      retriedTransaction(
        this.em,
        async (em) => {
          const customer = await em.findOne(Customer, dto.customerId, {
            lockMode: LockMode.PESSIMISTIC_WRITE,
          });
          if (!customer) throw new NotFound('Customer', dto.customerId);
          const expiresAt = dto.expiresAt ?? null;
          const reasons =
            (customer.status === 'suspended' ? SuspensionReason.Customer : 0) |
            (expiresAt !== null && expiresAt <= new Date() ? SuspensionReason.Expired : 0);
          const subscription = em.create(Subscription, {
            customer,
            name: name.name,
            unicodeName: name.unicodeName,
            plan: dto.plan,
            expiresAt,
            suspendedReasons: reasons,
            status: reasons === 0 ? 'active' : 'suspended',
          });
          await em.flush();
          await this.outbox.record(em, {
            type: 'subscription.created',
            objectType: 'subscription',
            objectId: subscription.id,
            customerId: customer.id,
            actor,
            payload: { subscription: toSubscriptionView(subscription) },
          });
          await this.domains.register(em, subscription, name, actor);
          return subscription.id;
        },
        CASCADE_TRANSACTION,
      ),
    );
    return this.get(auth, id);
  }

  /** Edits plan and expiry; moving `expiresAt` sets or lifts the reason `expired` at once. */
  async update(auth: Principal, id: number, dto: UpdateSubscriptionDto): Promise<SubscriptionView> {
    await retriedTransaction(
      this.em,
      async (em) => {
        const subscription = await this.lockedSubscription(em, id);
        const changes: string[] = [];
        if (dto.plan !== undefined && dto.plan !== subscription.plan) {
          subscription.plan = dto.plan;
          changes.push('plan');
        }
        if (
          dto.expiresAt !== undefined &&
          (dto.expiresAt?.getTime() ?? null) !== (subscription.expiresAt?.getTime() ?? null)
        ) {
          subscription.expiresAt = dto.expiresAt;
          changes.push('expiresAt');
        }
        if (changes.length === 0) return;
        await em.flush();
        await this.outbox.record(em, {
          type: 'subscription.updated',
          objectType: 'subscription',
          objectId: id,
          customerId: subscription.customer.id,
          actor: actorOf(auth),
          payload: { subscription: toSubscriptionView(subscription), changes },
        });
        if (changes.includes('expiresAt'))
          await this.suspension.applyExpiry(em, new Date(), { actor: actorOf(auth) }, [id]);
      },
      CASCADE_TRANSACTION,
    );
    return this.get(auth, id);
  }

  /** Removes the subscription; its domains go with it (ON DELETE CASCADE) and are named in the snapshot. */
  async remove(auth: Principal, id: number): Promise<void> {
    await retriedTransaction(
      this.em,
      async (em) => {
        const subscription = await this.lockedSubscription(em, id);
        const domains = await em.execute<Array<{ name: string }>>(
          'SELECT name FROM domain WHERE subscription_id = ? ORDER BY id',
          [id],
        );
        await this.outbox.record(em, {
          type: 'subscription.deleted',
          objectType: 'subscription',
          objectId: id,
          customerId: subscription.customer.id,
          actor: actorOf(auth),
          payload: {
            subscription: toSubscriptionView(subscription),
            domains: domains.map((domain) => domain.name),
          },
        });
        await em.nativeDelete(Subscription, { id });
        em.getUnitOfWork().unsetIdentity(subscription);
      },
      CASCADE_TRANSACTION,
    );
  }

  async suspend(auth: Principal, id: number): Promise<SubscriptionView> {
    const outcome = await retriedTransaction(
      this.em,
      (em) => this.suspension.suspendSubscription(em, id, { actor: actorOf(auth) }),
      CASCADE_TRANSACTION,
    );
    if (outcome === 'not_found') throw new NotFound('Subscription', id);
    return this.get(auth, id);
  }

  async activate(auth: Principal, id: number): Promise<SubscriptionView> {
    const outcome = await retriedTransaction(
      this.em,
      (em) => this.suspension.activateSubscription(em, id, { actor: actorOf(auth) }),
      CASCADE_TRANSACTION,
    );
    if (outcome === 'not_found') throw new NotFound('Subscription', id);
    return this.get(auth, id);
  }

  /** Locks the owning customer first (the order every status change uses), then reads the subscription. */
  private async lockedSubscription(em: EntityManager, id: number): Promise<Subscription> {
    const found = await em.findOne(Subscription, id, { fields: ['customer'] });
    if (!found) throw new NotFound('Subscription', id);
    await em.findOne(Customer, found.customer.id, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const subscription = await em.findOne(Subscription, id, {
      lockMode: LockMode.PESSIMISTIC_WRITE,
      refresh: true,
    });
    if (!subscription) throw new NotFound('Subscription', id);
    return subscription;
  }
}

/** Customers see only their own subscriptions; anything else is 404 to them. */
export function visibleTo(auth: Principal): ObjectQuery<Subscription> {
  return auth.customerId === null ? {} : { customer: auth.customerId };
}
