import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/mysql';
import { retriedTransaction } from '../database/lock-conflicts';
import { Administrator } from '../auth/administrator.entity';
import { PasswordHasher } from '../auth/password-hasher';
import { actorOf, Principal } from '../auth/principal';
import { SessionsService } from '../auth/sessions.service';
import { Conflict, NotFound, PreconditionFailed, ValidationFailed } from '../common/domain-errors';
import { Page } from '../common/cursor';
import { EventOutbox } from '../events/event-outbox.service';
import { CASCADE_TRANSACTION } from '../suspension/cascade-transaction';
import { SuspensionService } from '../suspension/suspension.service';
import { CustomerListReader } from './customer-list.reader';
import { CustomerRemoval } from './customer-removal.service';
import { refreshSearchTrigrams, touchesSearch } from './customer-search-index';
import { Customer } from '../hosting/customer.entity';
import { CustomerDetailView, toAdminView, toDetailView } from '../hosting/customer.views';
import { CreateCustomerDto, UpdateCustomerDto } from './dto/customer-input.dto';
import { ListCustomersQuery } from './dto/list-customers.query';
import { SuspendCustomerDto } from './dto/suspend-customer.dto';

/** Fields whose change is an edit worth a `customer.updated` event. */
const EDITABLE = [
  'username',
  'name',
  'company',
  'email',
  'phone',
  'fax',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
  'locale',
  'additionalInfo',
  'description',
  'externalId',
] as const satisfies ReadonlyArray<keyof Customer>;
type EditableField = (typeof EDITABLE)[number];

/** Administrators' use cases on customer accounts. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly em: EntityManager,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly outbox: EventOutbox,
    private readonly lists: CustomerListReader,
    private readonly removal: CustomerRemoval,
    private readonly suspension: SuspensionService,
  ) {}

  list(query: ListCustomersQuery): Promise<Page<CustomerDetailView>> {
    return this.lists.list(query);
  }

  get(id: number): Promise<CustomerDetailView> {
    return this.lists.get(id);
  }

  async create(auth: Principal, dto: CreateCustomerDto): Promise<CustomerDetailView> {
    assertPasswordOmitsUsername(dto.password, dto.username);
    const passwordHash = await this.hasher.hash(dto.password);
    const { password: _password, ...fields } = dto;
    const customer = await this.withUniqueness(() =>
      retriedTransaction(this.em, async (em) => {
        await this.assertUsernameFree(em, dto.username);
        const created = em.create(Customer, { ...fields, passwordHash });
        await em.flush();
        await refreshSearchTrigrams(em, [created.id]);
        await this.outbox.record(em, {
          type: 'customer.created',
          objectType: 'customer',
          objectId: created.id,
          customerId: created.id,
          actor: actorOf(auth),
          payload: { customer: toAdminView(created) },
        });
        return created;
      }),
    );
    return toDetailView(customer, { subscriptions: 0, domains: 0 });
  }

  /** `expectedVersion` comes from If-Match; a stale one is 412 and changes nothing. */
  async update(
    auth: Principal,
    id: number,
    dto: UpdateCustomerDto,
    expectedVersion?: number,
  ): Promise<CustomerDetailView> {
    const passwordHash =
      dto.password === undefined ? undefined : await this.hasher.hash(dto.password);
    const customer = await this.withUniqueness(() =>
      retriedTransaction(this.em, async (em) => {
        // refresh: a locking read must show the locked row, not a copy the identity map kept from
        // an earlier try (its old version would make every retry's UPDATE miss).
        const customer = await em.findOne(Customer, id, {
          lockMode: LockMode.PESSIMISTIC_WRITE,
          refresh: true,
        });
        if (!customer) throw new NotFound('Customer', id);
        if (expectedVersion !== undefined && expectedVersion !== customer.version) {
          throw new PreconditionFailed(
            `Customer ${id} is at version ${customer.version}, not ${expectedVersion}; reload it and try again.`,
          );
        }
        if (dto.password !== undefined)
          assertPasswordOmitsUsername(dto.password, dto.username ?? customer.username);
        if (
          dto.username !== undefined &&
          dto.username.toLowerCase() !== customer.username.toLowerCase()
        ) {
          await this.assertUsernameFree(em, dto.username);
        }
        const changed = changedFields(customer, dto);
        if (changed.length === 0 && passwordHash === undefined) return customer;

        em.assign(customer, pick(dto, changed));
        if (passwordHash !== undefined) {
          customer.passwordHash = passwordHash;
          customer.updatedAt = new Date(); // lazy property: make sure the row counts as changed
          await this.sessions.revokeForCustomers(em, [id]);
        }
        await em.flush();
        if (touchesSearch(changed)) await refreshSearchTrigrams(em, [id]);
        await this.outbox.record(em, {
          type: 'customer.updated',
          objectType: 'customer',
          objectId: id,
          customerId: id,
          actor: actorOf(auth),
          payload: {
            customer: toAdminView(customer),
            changes: passwordHash ? [...changed, 'password'] : changed,
          },
        });
        return customer;
      }),
    );
    return this.get(customer.id);
  }

  async remove(auth: Principal, id: number): Promise<void> {
    const outcome = await retriedTransaction(
      this.em,
      (em) => this.removal.removeOne(em, id, actorOf(auth)),
      CASCADE_TRANSACTION,
    );
    if (outcome === 'not_found') throw new NotFound('Customer', id);
  }

  /** Suspends the customer with all its subscriptions and domains, and ends its sessions: the same code as bulk jobs. */
  async suspend(
    auth: Principal,
    id: number,
    dto: SuspendCustomerDto = {},
  ): Promise<CustomerDetailView> {
    const outcomes = await retriedTransaction(
      this.em,
      (em) =>
        this.suspension.suspendCustomers(
          em,
          [id],
          { actor: actorOf(auth) },
          { reason: dto.reason },
        ),
      CASCADE_TRANSACTION,
    );
    if (outcomes.get(id) === 'not_found') throw new NotFound('Customer', id);
    return this.get(id);
  }

  /** Re-activates the customer and exactly those subscriptions and domains that have no other reason. */
  async activate(auth: Principal, id: number): Promise<CustomerDetailView> {
    const outcomes = await retriedTransaction(
      this.em,
      (em) => this.suspension.activateCustomers(em, [id], { actor: actorOf(auth) }),
      CASCADE_TRANSACTION,
    );
    if (outcomes.get(id) === 'not_found') throw new NotFound('Customer', id);
    return this.get(id);
  }

  /** Customer and administrator usernames share one namespace, so a login is never ambiguous. */
  private async assertUsernameFree(em: EntityManager, username: string): Promise<void> {
    const [customers, admins] = await Promise.all([
      em.count(Customer, { username }),
      em.count(Administrator, { username }),
    ]);
    if (customers + admins > 0) throw usernameTaken(username);
  }

  /** A race past the checks above still ends at the unique indexes: answer 409, not 500. */
  private async withUniqueness<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        if (error.message.includes('customer_external_id_unique')) {
          throw new Conflict('Another customer has this external id.', [
            {
              field: 'externalId',
              code: 'not_unique',
              message: 'is already used by another customer',
            },
          ]);
        }
        if (error.message.includes('customer_username_unique')) throw usernameTaken();
      }
      throw error;
    }
  }
}

function usernameTaken(username?: string): Conflict {
  return new Conflict(
    username ? `The username "${username}" is taken.` : 'The username is taken.',
    [{ field: 'username', code: 'not_unique', message: 'is already taken' }],
  );
}

export function assertPasswordOmitsUsername(password: string, username: string): void {
  if (password.toLowerCase().includes(username.toLowerCase())) {
    throw new ValidationFailed([
      {
        field: 'password',
        code: 'contains_username',
        message: 'password must not contain the username',
      },
    ]);
  }
}

export function changedFields(
  customer: Customer,
  dto: Partial<Record<EditableField, unknown>>,
): EditableField[] {
  return EDITABLE.filter((field) => dto[field] !== undefined && dto[field] !== customer[field]);
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}
