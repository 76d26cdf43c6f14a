import { Migration } from '@mikro-orm/migrations';

/** Webhook endpoints and the log of delivery attempts. */
export class Migration20261124054654 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`webhook_endpoint\` (\`id\` int unsigned not null auto_increment primary key, \`url\` varchar(2048) not null, \`events\` json not null, \`description\` varchar(255) null, \`enabled\` tinyint(1) not null, \`secret_encrypted\` varchar(255) not null, \`previous_secret_encrypted\` varchar(255) null, \`previous_secret_expires_at\` datetime(3) null, \`failing_since\` datetime(3) null, \`disabled_reason\` varchar(16) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `create table \`webhook_delivery\` (\`id\` bigint unsigned not null auto_increment primary key, \`endpoint_id\` int unsigned not null, \`event_id\` bigint unsigned not null, \`event_type\` varchar(64) not null, \`attempt\` int unsigned not null, \`succeeded\` tinyint(1) not null, \`status_code\` smallint unsigned null, \`duration_ms\` int unsigned not null, \`error\` varchar(500) null, \`created_at\` datetime(3) not null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`webhook_delivery\` add index \`webhook_delivery_event_idx\`(\`endpoint_id\`, \`event_id\`, \`succeeded\`);`,
    );
    this.addSql(
      `alter table \`webhook_delivery\` add index \`webhook_delivery_endpoint_idx\`(\`endpoint_id\`, \`id\`);`,
    );
    this.addSql(
      `alter table \`webhook_delivery\` add constraint \`webhook_delivery_endpoint_id_foreign\` foreign key (\`endpoint_id\`) references \`webhook_endpoint\` (\`id\`) on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`webhook_delivery\`;`);
    this.addSql(`drop table if exists \`webhook_endpoint\`;`);
  }
}
