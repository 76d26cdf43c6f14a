import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import {
  AccountSuspended,
  BadRequest,
  Forbidden,
  InvalidCredentials,
} from '../common/domain-errors';
import { Customer } from '../hosting/customer.entity';
import { Administrator } from './administrator.entity';
import { LoginDto, LoginResponse, PrincipalView } from './dto/login.dto';
import { LoginAttempts } from './login-attempts.service';
import { PasswordHasher } from './password-hasher';
import { Principal } from './principal';
import { SessionsService } from './sessions.service';

@Injectable()
export class AuthService {
  constructor(
    private readonly em: EntityManager,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly attempts: LoginAttempts,
  ) {}

  /** Administrators and customers share one login (see verifyPassword). */
  async login(ip: string, dto: LoginDto): Promise<LoginResponse> {
    const { admin, customer } = await this.verifyPassword(ip, dto.username, dto.password);
    if (customer && customer.status !== 'active') throw new AccountSuspended();
    const account = admin ?? customer;
    if (!account) throw new InvalidCredentials();

    const role = admin ? 'admin' : 'customer';
    const issued = await this.sessions.issue(role, account.id);
    return {
      ...issued,
      tokenType: 'Bearer',
      user: {
        id: account.id,
        username: account.username,
        role,
        customerId: customer?.id ?? null,
        locale: customer?.locale ?? null,
      },
    };
  }

  /**
   * HTTP Basic (the Plesk-compatible API): an administrator's username and password on every
   * request, throttled exactly like logins. A customer's correct credentials are 403.
   */
  async authenticateAdministrator(
    ip: string,
    username: string,
    password: string,
  ): Promise<Principal> {
    const { admin } = await this.verifyPassword(ip, username, password);
    if (!admin) throw new Forbidden('This API is for administrators; customers cannot use it.');
    return {
      sessionId: null,
      role: 'admin',
      id: admin.id,
      username: admin.username,
      customerId: null,
      via: 'basic',
    };
  }

  /**
   * Administrators and customers share one namespace of usernames. Unknown user and wrong
   * password are the same 401; only failures count towards the throttle; a suspended customer
   * learns of its suspension only after giving the right password.
   */
  private async verifyPassword(
    ip: string,
    username: string,
    password: string,
  ): Promise<{ admin: Administrator | null; customer: Customer | null }> {
    await this.attempts.assertAllowed(ip, username);
    const em = this.em.fork();
    const admin = await em.findOne(Administrator, { username }, { populate: ['passwordHash'] });
    const customer = admin
      ? null
      : await em.findOne(Customer, { username }, { populate: ['passwordHash'] });
    const account = admin ?? customer;
    const valid = account
      ? await this.hasher.verify(account.passwordHash, password)
      : await this.hasher.verifyNothing(password);
    if (!account || !valid) {
      await this.attempts.recordFailure(ip, username);
      throw new InvalidCredentials();
    }
    return { admin, customer };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.sessionId === null)
      throw new BadRequest(
        'An API key is no session: revoke it with DELETE /api/v1/api-keys/{id} instead.',
      );
    await this.sessions.revoke(principal.sessionId);
  }

  async me(principal: Principal): Promise<PrincipalView> {
    const locale =
      principal.customerId === null
        ? null
        : ((await this.em.fork().findOne(Customer, principal.customerId, { fields: ['locale'] }))
            ?.locale ?? null);
    return {
      id: principal.id,
      username: principal.username,
      role: principal.role,
      customerId: principal.customerId,
      locale,
    };
  }
}
