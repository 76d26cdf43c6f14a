import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/mysql';
import { retriedTransaction } from '../database/lock-conflicts';
import { LoginAttempts } from '../auth/login-attempts.service';
import { PasswordHasher } from '../auth/password-hasher';
import { actorOf, Principal } from '../auth/principal';
import { SessionsService } from '../auth/sessions.service';
import { NotFound, ValidationFailed } from '../common/domain-errors';
import { EventOutbox } from '../events/event-outbox.service';
import { Customer } from '../hosting/customer.entity';
import { CustomerAccountView, toAccountView, toAdminView } from '../hosting/customer.views';
import { refreshSearchTrigrams, touchesSearch } from './customer-search-index';
import { assertPasswordOmitsUsername, changedFields } from './customers.service';
import { UpdateAccountDto } from './dto/customer-input.dto';

/** A customer's own account: read and edit contact data and password. Never `description`. */
@Injectable()
export class AccountService {
  constructor(
    private readonly em: EntityManager,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly outbox: EventOutbox,
    private readonly attempts: LoginAttempts,
  ) {}

  async get(auth: Principal): Promise<CustomerAccountView> {
    const customer = await this.em.findOne(Customer, ownId(auth));
    if (!customer) throw new NotFound('Account', ownId(auth));
    return toAccountView(customer);
  }

  /**
   * `ip` is the client's address: a wrong `currentPassword` counts as a failed login for this
   * username and address, so a stolen session cannot guess the password faster than the login form.
   */
  async update(auth: Principal, dto: UpdateAccountDto, ip: string): Promise<CustomerAccountView> {
    const id = ownId(auth);
    if (dto.password !== undefined && dto.currentPassword === undefined) {
      throw new ValidationFailed([
        {
          field: 'currentPassword',
          code: 'required',
          message: 'currentPassword is required to change the password',
        },
      ]);
    }
    if (dto.password !== undefined) await this.attempts.assertAllowed(ip, auth.username);
    const passwordHash =
      dto.password === undefined ? undefined : await this.hasher.hash(dto.password);
    const customer = await retriedTransaction(this.em, async (em) => {
      const customer = await em.findOne(Customer, id, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
        refresh: true,
        populate: ['passwordHash'],
      });
      if (!customer) throw new NotFound('Account', id);
      if (dto.password !== undefined) {
        if (!(await this.hasher.verify(customer.passwordHash, dto.currentPassword ?? ''))) {
          await this.attempts.recordFailure(ip, auth.username);
          throw new ValidationFailed([
            {
              field: 'currentPassword',
              code: 'wrong_password',
              message: 'currentPassword is wrong',
            },
          ]);
        }
        assertPasswordOmitsUsername(dto.password, customer.username);
      }
      const changed = changedFields(customer, dto);
      if (changed.length === 0 && passwordHash === undefined) return customer;
      for (const field of changed)
        Object.assign(customer, { [field]: dto[field as keyof UpdateAccountDto] });
      if (passwordHash !== undefined) {
        customer.passwordHash = passwordHash;
        customer.updatedAt = new Date();
        // Other sessions end; the one making this change stays valid.
        await this.sessions.revokeForCustomers(em, [id], auth.sessionId);
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
    });
    return toAccountView(customer);
  }
}

function ownId(auth: Principal): number {
  if (auth.customerId === null) throw new NotFound('Account', auth.id);
  return auth.customerId;
}
