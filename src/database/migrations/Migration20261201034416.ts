import { Migration } from '@mikro-orm/migrations';

/** Delivery state in MySQL: one row per (event, endpoint) delivery, pending until it succeeds or fails for good. */
export class Migration20261201034416 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`event_delivery\` (\`id\` bigint unsigned not null auto_increment primary key, \`event_id\` bigint unsigned not null, \`endpoint_id\` int unsigned not null, \`customer_id\` int unsigned null, \`state\` varchar(16) not null, \`attempts\` int unsigned not null default 0, \`next_attempt_at\` datetime(3) null, \`first_attempt_at\` datetime(3) null, \`last_error\` varchar(500) null, \`wake_job\` varchar(80) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`event_delivery\` add index \`event_delivery_endpoint_idx\`(\`endpoint_id\`, \`state\`, \`created_at\`);`,
    );
    this.addSql(
      `alter table \`event_delivery\` add index \`event_delivery_wake_job_idx\`(\`wake_job\`);`,
    );
    this.addSql(
      `alter table \`event_delivery\` add index \`event_delivery_due_idx\`(\`state\`, \`next_attempt_at\`);`,
    );
    this.addSql(
      `alter table \`event_delivery\` add unique \`event_delivery_event_endpoint_unique\`(\`event_id\`, \`endpoint_id\`);`,
    );
    this.addSql(
      `alter table \`event_delivery\` add constraint \`event_delivery_endpoint_id_foreign\` foreign key (\`endpoint_id\`) references \`webhook_endpoint\` (\`id\`) on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`event_delivery\`;`);
  }
}
