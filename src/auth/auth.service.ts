import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { AccountSuspended, InvalidCredentials } from '../common/domain-errors';
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

  /**
   * Administrators and customers share one login. Unknown user and wrong password are the same
   * 401; only failures count towards the throttle; a suspended customer learns of its suspension
   * only after giving the right password.
   */
  async login(ip: string, dto: LoginDto): Promise<LoginResponse> {
    await this.attempts.assertAllowed(ip, dto.username);
    const em = this.em.fork();
    const admin = await em.findOne(
      Administrator,
      { username: dto.username },
      { populate: ['passwordHash'] },
    );
    const customer = admin
      ? null
      : await em.findOne(Customer, { username: dto.username }, { populate: ['passwordHash'] });
    const account = admin ?? customer;
    const valid = account
      ? await this.hasher.verify(account.passwordHash, dto.password)
      : await this.hasher.verifyNothing(dto.password);
    if (!account || !valid) {
      await this.attempts.recordFailure(ip, dto.username);
      throw new InvalidCredentials();
    }
    if (customer && customer.status !== 'active') throw new AccountSuspended();

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

  async logout(principal: Principal): Promise<void> {
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
