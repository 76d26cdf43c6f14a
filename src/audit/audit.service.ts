import { Injectable } from '@nestjs/common';
import { EntityManager, FilterQuery } from '@mikro-orm/mysql';
import { decodeCursor, isIdCursor, Page, toPage } from '../common/cursor';
import { ValidationFailed } from '../common/domain-errors';
import { OutboxEvent } from '../events/outbox-event.entity';
import { AuditEntry, toAuditEntry } from './audit.views';
import { ListAuditQuery } from './dto/list-audit.query';

/** The audit trail is the event outbox read backwards: every change wrote one row with its actor. */
@Injectable()
export class AuditService {
  constructor(private readonly em: EntityManager) {}

  async list(query: ListAuditQuery): Promise<Page<AuditEntry>> {
    if (query.objectId !== undefined && query.objectType === undefined) {
      throw new ValidationFailed([
        { field: 'objectType', code: 'required', message: 'objectType is required with objectId' },
      ]);
    }
    const where: FilterQuery<OutboxEvent> = {};
    if (query.objectType) where.objectType = query.objectType;
    if (query.objectId !== undefined) where.objectId = query.objectId;
    if (query.customerId !== undefined) where.customerId = query.customerId;
    if (query.actor) where.actor = query.actor;
    if (query.cursor) where.id = { $lt: String(decodeCursor(query.cursor, isIdCursor).id) };
    const rows = await this.em.find(OutboxEvent, where, {
      orderBy: { id: 'desc' },
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, (event) => ({ id: Number(event.id) }), toAuditEntry);
  }
}
