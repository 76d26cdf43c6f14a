import { Migration } from '@mikro-orm/migrations';

export class Migration20261124053709 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`administrator\` (\`id\` int unsigned not null auto_increment primary key, \`username\` varchar(60) not null, \`password_hash\` varchar(255) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`administrator\` add unique \`administrator_username_unique\`(\`username\`);`,
    );

    this.addSql(
      `create table \`customer\` (\`id\` int unsigned not null auto_increment primary key, \`username\` varchar(60) not null, \`password_hash\` varchar(255) not null, \`name\` varchar(60) not null, \`company\` varchar(60) null, \`email\` varchar(255) not null, \`phone\` varchar(30) null, \`fax\` varchar(30) null, \`address\` varchar(255) null, \`city\` varchar(50) null, \`state\` varchar(50) null, \`postal_code\` varchar(16) null, \`country\` varchar(2) null, \`locale\` varchar(35) not null, \`additional_info\` text null, \`description\` text null, \`external_id\` varchar(255) null, \`status\` varchar(16) not null, \`event_sequence\` int unsigned not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, \`version\` int unsigned not null default 1) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(`alter table \`customer\` add unique \`customer_username_unique\`(\`username\`);`);
    this.addSql(`alter table \`customer\` add index \`customer_email_idx\`(\`email\`);`);
    this.addSql(
      `alter table \`customer\` add unique \`customer_external_id_unique\`(\`external_id\`);`,
    );
    this.addSql(`alter table \`customer\` add index \`customer_status_idx\`(\`status\`);`);

    this.addSql(
      `create table \`auth_session\` (\`id\` bigint unsigned not null auto_increment primary key, \`token_hash\` varchar(64) not null, \`role\` varchar(16) not null, \`administrator_id\` int unsigned null, \`customer_id\` int unsigned null, \`csrf_hash\` varchar(64) not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`revoked_at\` datetime(3) null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`auth_session\` add unique \`auth_session_token_hash_unique\`(\`token_hash\`);`,
    );
    this.addSql(
      `alter table \`auth_session\` add index \`auth_session_administrator_id_index\`(\`administrator_id\`);`,
    );
    this.addSql(
      `alter table \`auth_session\` add index \`auth_session_customer_id_index\`(\`customer_id\`);`,
    );

    this.addSql(
      `create table \`outbox_event\` (\`id\` bigint unsigned not null auto_increment primary key, \`type\` varchar(64) not null, \`object_type\` varchar(16) not null, \`object_id\` int unsigned not null, \`customer_id\` int unsigned null, \`sequence\` int unsigned null, \`actor\` varchar(64) not null, \`job_id\` int unsigned null, \`payload\` json not null, \`created_at\` datetime(3) not null, \`dispatched_at\` datetime(3) null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`outbox_event\` add index \`outbox_event_undispatched_idx\`(\`dispatched_at\`, \`id\`);`,
    );
    this.addSql(
      `alter table \`outbox_event\` add index \`outbox_event_customer_idx\`(\`customer_id\`, \`id\`);`,
    );
    this.addSql(
      `alter table \`outbox_event\` add index \`outbox_event_object_idx\`(\`object_type\`, \`object_id\`, \`id\`);`,
    );

    this.addSql(
      `alter table \`auth_session\` add constraint \`auth_session_administrator_id_foreign\` foreign key (\`administrator_id\`) references \`administrator\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`auth_session\` add constraint \`auth_session_customer_id_foreign\` foreign key (\`customer_id\`) references \`customer\` (\`id\`) on update cascade on delete cascade;`,
    );
  }
}
