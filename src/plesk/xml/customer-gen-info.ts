import { CreateCustomerDto, UpdateCustomerDto } from '../../customers/dto/customer-input.dto';
import { CustomerDetailView } from '../../hosting/customer.views';
import { createValidationPipe } from '../../common/validation';
import { PleskStatistics } from '../rest/plesk.views';
import { PleskStatus } from '../rest/dto/client-request.dto';
import { AGENT_ERROR, AgentError } from './agent-errors';
import { AnswerNode, node, PacketElement } from './packet';

/** `gen_info`'s elements and the customer fields they set; `status` is handled on its own. */
const FIELD_OF = {
  cname: 'company',
  pname: 'name',
  login: 'username',
  passwd: 'password',
  phone: 'phone',
  fax: 'fax',
  email: 'email',
  address: 'address',
  city: 'city',
  state: 'state',
  pcode: 'postalCode',
  country: 'country',
  locale: 'locale',
  'external-id': 'externalId',
  description: 'description',
} as const satisfies Record<string, keyof CreateCustomerDto>;
type GenInfoElement = keyof typeof FIELD_OF;

/** Fields an empty element clears (null); the others are refused empty by their validation. */
const CLEARABLE = new Set<string>([
  'company',
  'phone',
  'fax',
  'address',
  'city',
  'state',
  'postalCode',
  'country',
  'externalId',
  'description',
]);

export interface CustomerChanges<T> {
  fields: T;
  status?: PleskStatus;
}

/**
 * A customer `gen_info` as clientele's create or update input, validated by the same rules as
 * /api/v1 (the same DTO through the same pipe). `owner-login` may only name the caller: every
 * customer belongs to the administrators.
 */
export async function customerInput<T extends CreateCustomerDto | UpdateCustomerDto>(
  genInfo: PacketElement | undefined,
  metatype: new () => T,
  callerLogin: string,
): Promise<CustomerChanges<T>> {
  if (!genInfo) throw new AgentError(AGENT_ERROR.parseError, 'gen_info is missing.');
  const fields: Record<string, string | null> = {};
  let status: PleskStatus | undefined;
  for (const element of genInfo.children) {
    const text = element.text.trim();
    if (element.name === 'status') status = pleskStatus(text);
    else if (element.name === 'owner-login') {
      if (text !== callerLogin)
        throw new AgentError(
          AGENT_ERROR.invalidValue,
          `owner-login must be your own login (${callerLogin}): resellers are not managed here.`,
        );
    } else if (element.name in FIELD_OF) {
      const field = FIELD_OF[element.name as GenInfoElement];
      fields[field] = text === '' && CLEARABLE.has(field) ? null : text;
    } else
      throw new AgentError(AGENT_ERROR.parseError, `gen_info has no element <${element.name}>.`);
  }
  const validated = (await createValidationPipe().transform(fields, {
    type: 'body',
    metatype,
  })) as T;
  return { fields: validated, status };
}

export function pleskStatus(text: string): PleskStatus {
  if (text === '0' || text === '16') return Number(text) as PleskStatus;
  throw new AgentError(
    AGENT_ERROR.invalidValue,
    'status: must be 0 (active) or 16 (suspended by the administrator).',
  );
}

const orEmpty = (value: string | null) => value ?? '';

/** Plesk's clientGetGenInfo, in its order. */
export function customerGenInfo(customer: CustomerDetailView, ownerLogin: string): AnswerNode {
  return node('gen_info', [
    node('cr_date', customer.createdAt.slice(0, 10)),
    node('cname', orEmpty(customer.company)),
    node('pname', customer.name),
    node('login', customer.username),
    node('status', customer.status === 'suspended' ? 16 : 0),
    node('phone', orEmpty(customer.phone)),
    node('fax', orEmpty(customer.fax)),
    node('email', customer.email),
    node('address', orEmpty(customer.address)),
    node('city', orEmpty(customer.city)),
    node('state', orEmpty(customer.state)),
    node('pcode', orEmpty(customer.postalCode)),
    node('country', orEmpty(customer.country)),
    node('locale', customer.locale),
    node('owner-login', ownerLogin),
    node('guid', customer.guid),
    node('external-id', orEmpty(customer.externalId)),
    node('description', orEmpty(customer.description)),
  ]);
}

/** Plesk's clientStatType: the domain counts clientele knows, 0 for what it does not meter. */
export function customerStat(statistics: PleskStatistics): AnswerNode {
  return node('stat', [
    node('active_domains', statistics.active_domains),
    node('subdomains', statistics.subdomains),
    node('disk_space', statistics.disk_space),
    node('web_users', 0),
    node('data_bases', statistics.databases),
    node('postboxes', statistics.email_postboxes),
    node('redirects', statistics.email_redirects),
    node('mail_groups', 0),
    node('mail_resps', statistics.email_response_messages),
    node('mail_lists', statistics.mailing_lists),
    node('webapps', 0),
    node('traffic', statistics.traffic),
    node('traffic_prevday', statistics.traffic_prevday),
  ]);
}
