import { Injectable } from '@nestjs/common';
import { Principal } from '../../auth/principal';
import { MAX_PAGE_SIZE } from '../../common/page.query';
import { createValidationPipe } from '../../common/validation';
import { CreateSubscriptionDto } from '../../subscriptions/dto/subscription-input.dto';
import { SubscriptionsService } from '../../subscriptions/subscriptions.service';
import { SubscriptionView } from '../../hosting/subscription.views';
import { AGENT_ERROR, AgentError, FieldNames } from './agent-errors';
import { AgentOperator, OperationHandler } from './agent-operator';
import { pleskStatus } from './customer-gen-info';
import { CustomerLookup } from './customer-lookup';
import {
  filterOf,
  FilterValue,
  OperationCall,
  okResult,
  resultPerValue,
} from './operation-results';
import { AnswerNode, childOf, node, PacketElement, textOf } from './packet';
import { WEBSPACE_FILTERS, WebspaceIdentity, WebspaceLookup } from './webspace-lookup';

/** The plan of a webspace added without one: Plesk calls a subscription bound to no plan "Custom". */
export const CUSTOM_PLAN = 'Custom';

const WEBSPACE_FIELDS: FieldNames = { name: 'name', plan: 'plan-name', customerId: 'owner-id' };

/** Plesk's status of a subscription: 16 while suspended for any reason but expiry, 256 for expiry, summed. */
function webspaceStatus(subscription: SubscriptionView): number {
  const reasons = new Set<string>(subscription.suspendedReasons);
  const byAdmin = reasons.has('admin') || reasons.has('customer') ? 16 : 0;
  return byAdmin + (reasons.has('expired') ? 256 : 0);
}

/**
 * Plesk's `webspace` operator over SubscriptionsService. A webspace is a subscription, its name
 * the main domain's; hosting settings (`hosting`, `htype`, `ip_address`, limits) are accepted and
 * ignored, since clientele hosts nothing itself.
 */
@Injectable()
export class WebspaceOperator implements AgentOperator {
  readonly name = 'webspace';
  readonly reads = ['get'];
  readonly fields = WEBSPACE_FIELDS;
  readonly operations: Record<string, OperationHandler> = {
    add: (auth, call) => this.add(auth, call),
    get: (auth, call) => this.get(auth, call),
    set: (auth, call) => this.set(auth, call),
    del: (auth, call) => this.del(auth, call),
  };

  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly customers: CustomerLookup,
    private readonly lookup: WebspaceLookup,
  ) {}

  private async add(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const setup = childOf(operation, 'gen_setup');
    if (!setup) throw new AgentError(AGENT_ERROR.parseError, 'gen_setup is missing.');
    const status = textOf(setup, 'status');
    const wanted = status === undefined ? undefined : pleskStatus(status);
    const dto = (await createValidationPipe().transform(
      {
        customerId: await this.ownerOf(setup),
        name: textOf(setup, 'name'),
        // Plesk puts plan-name beside gen_setup; some clients send it inside. Without one (as
        // FOSSBilling sends it) the webspace is, in Plesk's words, a custom subscription.
        plan: textOf(operation, 'plan-name') ?? textOf(setup, 'plan-name') ?? CUSTOM_PLAN,
      },
      { type: 'body', metatype: CreateSubscriptionDto },
    )) as CreateSubscriptionDto;
    const subscription = await this.subscriptions.create(auth, dto);
    if (wanted === 16) await this.subscriptions.suspend(auth, subscription.id);
    const identity = (await this.lookup.identities([subscription.id])).get(subscription.id);
    return [okResult(node('id', subscription.id), node('guid', identity?.guid ?? ''))];
  }

  private async get(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const dataset = childOf(operation, 'dataset');
    const withGenInfo = dataset !== undefined && childOf(dataset, 'gen_info') !== undefined;
    const answer = async (subscriptions: SubscriptionView[]) => {
      const identities = await this.lookup.identities(subscriptions.map((s) => s.id));
      return subscriptions.map((subscription) => [
        node('id', subscription.id),
        node('data', withGenInfo ? [genInfo(subscription, identities.get(subscription.id))] : []),
      ]);
    };
    const filter = filterOf(operation, WEBSPACE_FILTERS, true);
    if (filter === 'all') {
      const results: AnswerNode[] = [];
      let cursor: string | undefined;
      do {
        const page = await this.subscriptions.list(auth, { limit: MAX_PAGE_SIZE, cursor });
        results.push(...(await answer(page.items)).map((nodes) => okResult(...nodes)));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return results;
    }
    return resultPerValue(filter, this.fields, async (value) => {
      const ids = await this.lookup.idsOf(value);
      return answer(await Promise.all(ids.map((id) => this.subscriptions.get(auth, id))));
    });
  }

  private set(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, WEBSPACE_FILTERS, false) as FilterValue[];
    const setup =
      childOf(operation, 'values') && childOf(childOf(operation, 'values')!, 'gen_setup');
    const status = setup && textOf(setup, 'status');
    const changed = setup?.children.filter((child) => child.name !== 'status') ?? [];
    if (changed.length > 0)
      throw new AgentError(
        AGENT_ERROR.invalidValue,
        `Only status can be changed here, not ${changed.map((c) => c.name).join(', ')}.`,
      );
    const wanted = status === undefined ? undefined : pleskStatus(status);
    return resultPerValue(filter, this.fields, async (value) => {
      const ids = await this.lookup.idsOf(value);
      for (const id of ids) {
        if (wanted === 16) await this.subscriptions.suspend(auth, id);
        else if (wanted === 0) await this.subscriptions.activate(auth, id);
      }
      return ids.map((id) => [node('id', id)]);
    });
  }

  private del(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, WEBSPACE_FILTERS, false) as FilterValue[];
    return resultPerValue(filter, this.fields, async (value) => {
      const ids = await this.lookup.idsOf(value);
      for (const id of ids) await this.subscriptions.remove(auth, id);
      return ids.map((id) => [node('id', id)]);
    });
  }

  /** owner-id, owner-login or owner-guid: the customer that gets the webspace. */
  private async ownerOf(setup: PacketElement): Promise<number | undefined> {
    const id = textOf(setup, 'owner-id');
    if (id !== undefined) return this.customers.idOf('id', id);
    const login = textOf(setup, 'owner-login');
    if (login !== undefined) return this.customers.idOf('login', login);
    const guid = textOf(setup, 'owner-guid');
    if (guid !== undefined) return this.customers.idOf('guid', guid);
    throw new AgentError(
      AGENT_ERROR.invalidValue,
      'owner-id, owner-login or owner-guid: name the customer that gets the webspace.',
    );
  }
}

/** Plesk's domainGenInfoType, in its order. clientele stores no files: real_size is 0. */
function genInfo(subscription: SubscriptionView, identity?: WebspaceIdentity): AnswerNode {
  return node('gen_info', [
    node('cr_date', subscription.createdAt.slice(0, 10)),
    node('name', subscription.unicodeName),
    node('ascii-name', subscription.name),
    node('status', webspaceStatus(subscription)),
    node('real_size', 0),
    node('owner-id', subscription.customerId),
    node('owner-login', identity?.ownerLogin ?? ''),
    node('htype', 'vrt_hst'),
    node('guid', identity?.guid ?? ''),
  ]);
}
