import { ApiProperty } from '@nestjs/swagger';
import { CustomerAdminView } from '../../hosting/customer.views';
import { DomainView } from '../../hosting/domain.views';
import { PLESK_STATUSES, PleskStatus } from './dto/client-request.dto';

/** Plesk's Client. Text clientele leaves unset (null) is "" here, as in Plesk. */
export class PleskClient {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date', example: '2026-11-24' }) created!: string;
  @ApiProperty() name!: string;
  @ApiProperty() company!: string;
  @ApiProperty() login!: string;
  @ApiProperty({ enum: PLESK_STATUSES, description: '0 active, 16 suspended' })
  status!: PleskStatus;
  @ApiProperty() email!: string;
  @ApiProperty() locale!: string;
  @ApiProperty({ format: 'uuid' }) guid!: string;
  @ApiProperty({ description: "The calling administrator's login" }) owner_login!: string;
  @ApiProperty() external_id!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ['customer'] }) type!: 'customer';
}

export class PleskCreatedResponse {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'uuid' }) guid!: string;
}

export class PleskStatusResponse {
  @ApiProperty({ enum: ['success'] }) status!: 'success';
}

export class PleskKeyResponse {
  @ApiProperty({ description: 'Send as X-API-Key; shown only now' }) key!: string;
}

export class PleskErrorResponse {
  @ApiProperty({ description: 'The HTTP status' }) code!: number;
  @ApiProperty() message!: string;
}

/** Plesk's DomainResponse. clientele hosts no files and has no aliases, hence the constants. */
export class PleskDomain {
  @ApiProperty() id!: number;
  @ApiProperty({ format: 'date' }) created!: string;
  @ApiProperty({ description: 'The name in Unicode' }) name!: string;
  @ApiProperty({ description: 'The name in punycode' }) ascii_name!: string;
  @ApiProperty({ description: 'Always 0: clientele has no domain aliases' })
  base_domain_id!: number;
  @ApiProperty({ format: 'uuid' }) guid!: string;
  @ApiProperty({ enum: ['virtual'] }) hosting_type!: 'virtual';
  @ApiProperty({ description: 'Always "": clientele keeps no files' }) www_root!: string;
}

/** Plesk's client statistics: only the domain counts are metered; everything else is 0. */
export class PleskStatistics {
  @ApiProperty() active_domains!: number;
  @ApiProperty({ description: "Domains under another of the customer's domains" })
  subdomains!: number;
  @ApiProperty({ description: 'Not metered: 0' }) disk_space!: number;
  @ApiProperty({ description: 'Not metered: 0' }) email_postboxes!: number;
  @ApiProperty({ description: 'Not metered: 0' }) email_redirects!: number;
  @ApiProperty({ description: 'Not metered: 0' }) email_response_messages!: number;
  @ApiProperty({ description: 'Not metered: 0' }) mailing_lists!: number;
  @ApiProperty({ description: 'Not metered: 0' }) databases!: number;
  @ApiProperty({ description: 'Not metered: 0' }) traffic!: number;
  @ApiProperty({ description: 'Not metered: 0' }) traffic_prevday!: number;
}

const day = (iso: string) => iso.slice(0, 10);

export function toPleskClient(customer: CustomerAdminView, ownerLogin: string): PleskClient {
  return {
    id: customer.id,
    created: day(customer.createdAt),
    name: customer.name,
    company: customer.company ?? '',
    login: customer.username,
    status: customer.status === 'suspended' ? 16 : 0,
    email: customer.email,
    locale: customer.locale,
    guid: customer.guid,
    owner_login: ownerLogin,
    external_id: customer.externalId ?? '',
    description: customer.description ?? '',
    type: 'customer',
  };
}

export function toPleskDomain(domain: DomainView): PleskDomain {
  return {
    id: domain.id,
    created: day(domain.createdAt),
    name: domain.unicodeName,
    ascii_name: domain.name,
    base_domain_id: 0,
    guid: domain.guid,
    hosting_type: 'virtual',
    www_root: '',
  };
}

export function toPleskStatistics(domains: DomainView[]): PleskStatistics {
  const names = new Set(domains.map((domain) => domain.name));
  const isSubdomain = (name: string) =>
    name
      .split('.')
      .slice(1)
      .some((_, index, labels) => names.has(labels.slice(index).join('.')));
  return {
    active_domains: domains.filter((domain) => domain.status === 'active').length,
    subdomains: domains.filter((domain) => isSubdomain(domain.name)).length,
    disk_space: 0,
    email_postboxes: 0,
    email_redirects: 0,
    email_response_messages: 0,
    mailing_lists: 0,
    databases: 0,
    traffic: 0,
    traffic_prevday: 0,
  };
}
