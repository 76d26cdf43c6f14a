import { Injectable } from '@nestjs/common';
import { Principal } from '../../auth/principal';
import { MAX_PAGE_SIZE } from '../../common/page.query';
import { CustomersService } from '../../customers/customers.service';
import { CreateCustomerDto, UpdateCustomerDto } from '../../customers/dto/customer-input.dto';
import { CustomerDetailView } from '../../hosting/customer.views';
import { PleskClients } from '../rest/plesk-clients.service';
import { CUSTOMER_FIELDS } from './agent-errors';
import { AgentOperator, OperationHandler } from './agent-operator';
import { customerGenInfo, customerInput, customerStat } from './customer-gen-info';
import { CUSTOMER_REFERENCES, CustomerLookup, CustomerReference } from './customer-lookup';
import {
  filterOf,
  FilterValue,
  OperationCall,
  okResult,
  resultPerValue,
} from './operation-results';
import { AnswerNode, childOf, node } from './packet';

const DATASETS = ['gen_info', 'stat'] as const;

/** Plesk's `customer` operator over CustomersService: the same validation, cascade, events and audit as /api/v1. */
@Injectable()
export class CustomerOperator implements AgentOperator {
  readonly name = 'customer';
  readonly reads = ['get', 'get-domain-list'];
  readonly fields = CUSTOMER_FIELDS;
  readonly operations: Record<string, OperationHandler> = {
    add: (auth, call) => this.add(auth, call),
    get: (auth, call) => this.get(auth, call),
    set: (auth, call) => this.set(auth, call),
    del: (auth, call) => this.del(auth, call),
    'get-domain-list': (auth, call) => this.domainList(auth, call),
  };

  constructor(
    private readonly customers: CustomersService,
    private readonly clients: PleskClients,
    private readonly lookup: CustomerLookup,
  ) {}

  private async add(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const input = await customerInput(
      childOf(operation, 'gen_info'),
      CreateCustomerDto,
      auth.username,
    );
    const customer = await this.customers.create(auth, input.fields);
    // Created, then suspended through the usual cascade, as /api/v2 does.
    await this.clients.applyStatus(auth, customer.id, input.status, 0);
    return [okResult(node('id', customer.id), node('guid', customer.guid))];
  }

  private async get(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const dataset = childOf(operation, 'dataset');
    const wanted = DATASETS.filter((name) => dataset && childOf(dataset, name));
    const answer = async (customer: CustomerDetailView) => [
      node('id', customer.id),
      node('data', [
        ...(wanted.includes('gen_info') ? [customerGenInfo(customer, auth.username)] : []),
        ...(wanted.includes('stat')
          ? [customerStat(await this.clients.statistics(auth, customer.id))]
          : []),
      ]),
    ];
    const filter = filterOf(operation, CUSTOMER_REFERENCES, true);
    if (filter === 'all') {
      const results: AnswerNode[] = [];
      for await (const customer of this.everyCustomer())
        results.push(okResult(...(await answer(customer))));
      return results;
    }
    return resultPerValue(filter, this.fields, async (value) => [
      await answer(await this.customers.get(await this.idOf(value))),
    ]);
  }

  private async set(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, CUSTOMER_REFERENCES, false) as FilterValue[];
    const values = childOf(operation, 'values');
    const input = await customerInput(
      values && childOf(values, 'gen_info'),
      UpdateCustomerDto,
      auth.username,
    );
    return resultPerValue(filter, this.fields, async (value) => {
      const id = await this.idOf(value);
      const customer = await this.customers.update(auth, id, input.fields);
      await this.clients.applyStatus(
        auth,
        id,
        input.status,
        customer.status === 'suspended' ? 16 : 0,
      );
      return [[node('id', id)]];
    });
  }

  private del(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, CUSTOMER_REFERENCES, false) as FilterValue[];
    return resultPerValue(filter, this.fields, async (value) => {
      const id = await this.idOf(value);
      await this.customers.remove(auth, id);
      return [[node('id', id)]];
    });
  }

  private domainList(auth: Principal, { operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, CUSTOMER_REFERENCES, false) as FilterValue[];
    return resultPerValue(filter, this.fields, async (value) => {
      const id = await this.idOf(value);
      const domains = await this.clients.domainsOf(auth, id);
      return [
        [
          node('id', id),
          node(
            'domains',
            domains.map((domain) =>
              node('domain', [
                node('id', domain.id),
                node('name', domain.name),
                node('ascii-name', domain.ascii_name),
                node('type', 'domain'),
                node('guid', domain.guid),
              ]),
            ),
          ),
        ],
      ];
    });
  }

  private idOf({ field, value }: FilterValue): Promise<number> {
    return this.lookup.idOf(field as CustomerReference, value);
  }

  /** Plesk lists every customer at once: read clientele's pages to the end. */
  private async *everyCustomer(): AsyncGenerator<CustomerDetailView> {
    let cursor: string | undefined;
    do {
      const page = await this.customers.list({ limit: MAX_PAGE_SIZE, cursor });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
