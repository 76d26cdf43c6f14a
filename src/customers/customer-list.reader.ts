import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { NotFound } from '../common/domain-errors';
import { plainRows } from '../database/plain-rows';
import { Page } from '../common/cursor';
import { CustomerDetailRow, detailViewOfRow } from '../hosting/customer.rows';
import { CustomerDetailView } from '../hosting/customer.views';
import { customerByIdSql, customerListPage, customerListSql } from './customer-read.sql';
import { ListCustomersQuery } from './dto/list-customers.query';

/**
 * The administrators' reads of customers: plain rows mapped to views, one statement per request.
 * No managed entities: a read needs neither the identity map nor change tracking, and status
 * changes are set-based statements an identity map would not have seen anyway.
 */
@Injectable()
export class CustomerListReader {
  constructor(private readonly em: EntityManager) {}

  async list(query: ListCustomersQuery): Promise<Page<CustomerDetailView>> {
    const statement = customerListSql(query);
    if (statement === null) return { items: [], nextCursor: null };
    const rows = await plainRows<CustomerDetailRow>(this.em, statement.sql, statement.params);
    return customerListPage(rows, query);
  }

  async get(id: number): Promise<CustomerDetailView> {
    const statement = customerByIdSql(id);
    const [row] = await plainRows<CustomerDetailRow>(this.em, statement.sql, statement.params);
    if (!row) throw new NotFound('Customer', id);
    return detailViewOfRow(row);
  }
}
