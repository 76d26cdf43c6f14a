import { ApiProperty } from '@nestjs/swagger';
import { EVENT_TYPES, EventType } from '../events/event-types';
import { OutboxEvent } from '../events/outbox-event.entity';
import { AUDIT_OBJECT_TYPES, AuditObjectType } from './dto/list-audit.query';

export class AuditObject {
  @ApiProperty({ enum: AUDIT_OBJECT_TYPES }) type!: AuditObjectType;
  @ApiProperty() id!: number;
}

/** One entry of the audit trail: who did what to which object, and when. */
export class AuditEntry {
  @ApiProperty({ description: 'The event id (a decimal string: it is a 64-bit number)' })
  id!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: EventType;
  @ApiProperty({ description: '`admin:<id>`, `customer:<id>`, `apikey:<id>` or `system`' })
  actor!: string;
  @ApiProperty({ type: AuditObject }) object!: AuditObject;
  @ApiProperty({ type: Number, nullable: true }) customerId!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The bulk job that made the change' })
  jobId!: number | null;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The event payload: the object after the change, reasons before and after, or a snapshot',
  })
  data!: Record<string, unknown>;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntry] }) items!: AuditEntry[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export function toAuditEntry(event: OutboxEvent): AuditEntry {
  return {
    id: String(event.id),
    type: event.type,
    actor: event.actor,
    object: { type: event.objectType, id: event.objectId },
    customerId: event.customerId,
    jobId: event.jobId,
    occurredAt: event.createdAt.toISOString(),
    data: event.payload,
  };
}
