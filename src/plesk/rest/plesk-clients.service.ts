import { Injectable } from '@nestjs/common';
import { Principal } from '../../auth/principal';
import { ValidationFailed } from '../../common/domain-errors';
import { MAX_PAGE_SIZE } from '../../common/page.query';
import { CustomersService } from '../../customers/customers.service';
import { CreateCustomerDto, UpdateCustomerDto } from '../../customers/dto/customer-input.dto';
import { DomainsService } from '../../domains/domains.service';
import { DomainView } from '../../hosting/domain.views';
import {
  PleskClientRequest,
  PleskClientUpdateRequest,
  PleskStatus,
} from './dto/client-request.dto';
import {
  PleskClient,
  PleskCreatedResponse,
  PleskDomain,
  PleskStatistics,
  toPleskClient,
  toPleskDomain,
  toPleskStatistics,
} from './plesk.views';

/**
 * Plesk's client operations translated to clientele's customer use cases: the same services,
 * validation, cascade, events and audit as /api/v1. Nothing here decides anything on its own.
 */
@Injectable()
export class PleskClients {
  constructor(
    private readonly customers: CustomersService,
    private readonly domains: DomainsService,
  ) {}

  /** Plesk lists every client at once: read clientele's pages to the end. */
  async list(auth: Principal): Promise<PleskClient[]> {
    const clients: PleskClient[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.customers.list({ limit: MAX_PAGE_SIZE, cursor });
      clients.push(...page.items.map((customer) => toPleskClient(customer, auth.username)));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return clients;
  }

  async get(auth: Principal, id: number): Promise<PleskClient> {
    return toPleskClient(await this.customers.get(id), auth.username);
  }

  /** A client created with status 16 is created, then suspended through the usual cascade. */
  async create(auth: Principal, request: PleskClientRequest): Promise<PleskCreatedResponse> {
    assertOwner(auth, request.owner_login);
    const customer = await this.customers.create(auth, {
      ...customerFields(request),
      username: request.login,
      password: request.password,
      name: request.name,
      email: request.email,
    } satisfies CreateCustomerDto);
    await this.applyStatus(auth, customer.id, request.status, 0);
    return { id: customer.id, guid: customer.guid };
  }

  async update(
    auth: Principal,
    id: number,
    request: PleskClientUpdateRequest,
  ): Promise<PleskCreatedResponse> {
    assertOwner(auth, request.owner_login);
    const changes: UpdateCustomerDto = {
      ...customerFields(request),
      ...(request.login !== undefined ? { username: request.login } : {}),
      ...(request.password !== undefined ? { password: request.password } : {}),
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.email !== undefined ? { email: request.email } : {}),
    };
    const customer = await this.customers.update(auth, id, changes);
    const current = customer.status === 'suspended' ? 16 : 0;
    await this.applyStatus(auth, id, request.status, current);
    return { id: customer.id, guid: customer.guid };
  }

  async remove(auth: Principal, id: number): Promise<PleskCreatedResponse> {
    const customer = await this.customers.get(id);
    await this.customers.remove(auth, id);
    return { id: customer.id, guid: customer.guid };
  }

  async suspend(auth: Principal, id: number): Promise<void> {
    await this.customers.suspend(auth, id);
  }

  async activate(auth: Principal, id: number): Promise<void> {
    await this.customers.activate(auth, id);
  }

  async domainsOf(auth: Principal, id: number): Promise<PleskDomain[]> {
    return (await this.allDomains(auth, id)).map(toPleskDomain);
  }

  async statistics(auth: Principal, id: number): Promise<PleskStatistics> {
    return toPleskStatistics(await this.allDomains(auth, id));
  }

  /** 404 for an unknown client, like every other route with an id. */
  private async allDomains(auth: Principal, customerId: number): Promise<DomainView[]> {
    await this.customers.get(customerId);
    const domains: DomainView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.domains.list(auth, { customerId, limit: MAX_PAGE_SIZE, cursor });
      domains.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return domains;
  }

  /** Plesk status 16 suspends with the `admin` reason, 0 activates; the same status again is no change. */
  async applyStatus(
    auth: Principal,
    id: number,
    wanted: PleskStatus | undefined,
    current: PleskStatus,
  ): Promise<void> {
    if (wanted === undefined || wanted === current) return;
    if (wanted === 16) await this.customers.suspend(auth, id);
    else await this.customers.activate(auth, id);
  }
}

/** The fields whose names are the same, or only spelled differently, in both APIs. */
function customerFields(request: PleskClientRequest | PleskClientUpdateRequest) {
  return {
    ...(request.company !== undefined ? { company: request.company } : {}),
    ...(request.locale !== undefined ? { locale: request.locale } : {}),
    ...(request.external_id !== undefined ? { externalId: request.external_id } : {}),
    ...(request.description !== undefined ? { description: request.description } : {}),
  };
}

/** Every customer belongs to the administrators; naming anyone else means a reseller. */
function assertOwner(auth: Principal, ownerLogin: string | undefined): void {
  if (ownerLogin !== undefined && ownerLogin !== auth.username)
    throw new ValidationFailed([
      {
        field: 'owner_login',
        message: `owner_login must be your own login (${auth.username}): resellers are not managed here`,
      },
    ]);
}
