import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook delivery driven by MySQL (issue 22): the attempt log is named for what it holds
 * (`webhook_delivery` -> `delivery_attempt`); deliveries lose their wake-up job (workers find what
 * is due by endpoint) and gain indexes for the due range per endpoint, the order per customer and
 * retention; an endpoint gains the time of its next probe and the reason it failed.
 */
export class Migration20261207014000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`webhook_delivery\` drop foreign key \`webhook_delivery_endpoint_id_foreign\`;`,
    );
    this.addSql(`rename table \`webhook_delivery\` to \`delivery_attempt\`;`);
    this.addSql(
      `alter table \`delivery_attempt\` rename index \`webhook_delivery_endpoint_idx\` to \`delivery_attempt_endpoint_idx\`, rename index \`webhook_delivery_event_idx\` to \`delivery_attempt_event_idx\`, rename index \`webhook_delivery_created_idx\` to \`delivery_attempt_created_idx\`;`,
    );
    this.addSql(
      `alter table \`delivery_attempt\` add constraint \`delivery_attempt_endpoint_id_foreign\` foreign key (\`endpoint_id\`) references \`webhook_endpoint\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`event_delivery\` drop index \`event_delivery_wake_job_idx\`, drop index \`event_delivery_due_idx\`, drop column \`wake_job\`;`,
    );
    this.addSql(
      `alter table \`event_delivery\` add index \`event_delivery_due_idx\`(\`endpoint_id\`, \`state\`, \`next_attempt_at\`), add index \`event_delivery_order_idx\`(\`endpoint_id\`, \`customer_id\`, \`state\`, \`event_id\`), add index \`event_delivery_retention_idx\`(\`state\`, \`updated_at\`);`,
    );
    this.addSql(
      `alter table \`webhook_endpoint\` add \`probe_at\` datetime(3) null, add \`last_error\` varchar(500) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`webhook_endpoint\` drop column \`probe_at\`, drop column \`last_error\`;`,
    );
    this.addSql(
      `alter table \`event_delivery\` drop index \`event_delivery_due_idx\`, drop index \`event_delivery_order_idx\`, drop index \`event_delivery_retention_idx\`, add \`wake_job\` varchar(80) null;`,
    );
    this.addSql(
      `alter table \`event_delivery\` add index \`event_delivery_wake_job_idx\`(\`wake_job\`), add index \`event_delivery_due_idx\`(\`state\`, \`next_attempt_at\`);`,
    );
    this.addSql(
      `alter table \`delivery_attempt\` drop foreign key \`delivery_attempt_endpoint_id_foreign\`;`,
    );
    this.addSql(`rename table \`delivery_attempt\` to \`webhook_delivery\`;`);
    this.addSql(
      `alter table \`webhook_delivery\` rename index \`delivery_attempt_endpoint_idx\` to \`webhook_delivery_endpoint_idx\`, rename index \`delivery_attempt_event_idx\` to \`webhook_delivery_event_idx\`, rename index \`delivery_attempt_created_idx\` to \`webhook_delivery_created_idx\`;`,
    );
    this.addSql(
      `alter table \`webhook_delivery\` add constraint \`webhook_delivery_endpoint_id_foreign\` foreign key (\`endpoint_id\`) references \`webhook_endpoint\` (\`id\`) on update cascade on delete cascade;`,
    );
  }
}
