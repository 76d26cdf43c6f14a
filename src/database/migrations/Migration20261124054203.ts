import { Migration } from '@mikro-orm/migrations';

export class Migration20261124054203 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`subscription\` (\`id\` int unsigned not null auto_increment primary key, \`customer_id\` int unsigned not null, \`name\` varchar(253) not null, \`unicode_name\` varchar(253) not null, \`plan\` varchar(100) not null, \`status\` varchar(16) not null, \`suspended_reasons\` tinyint unsigned not null default 0, \`expires_at\` datetime(3) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`subscription\` add index \`subscription_expiry_idx\`(\`expires_at\`);`,
    );
    this.addSql(
      `alter table \`subscription\` add index \`subscription_customer_idx\`(\`customer_id\`, \`id\`);`,
    );

    this.addSql(
      `create table \`domain\` (\`id\` int unsigned not null auto_increment primary key, \`subscription_id\` int unsigned not null, \`customer_id\` int unsigned not null, \`name\` varchar(253) not null, \`unicode_name\` varchar(253) not null, \`status\` varchar(16) not null, \`suspended_reasons\` tinyint unsigned not null default 0, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(`alter table \`domain\` add unique \`domain_name_unique\`(\`name\`);`);
    this.addSql(
      `alter table \`domain\` add index \`domain_customer_idx\`(\`customer_id\`, \`id\`);`,
    );
    this.addSql(
      `alter table \`domain\` add index \`domain_subscription_idx\`(\`subscription_id\`, \`id\`);`,
    );

    this.addSql(
      `alter table \`subscription\` add constraint \`subscription_customer_id_foreign\` foreign key (\`customer_id\`) references \`customer\` (\`id\`) on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table \`domain\` add constraint \`domain_subscription_id_foreign\` foreign key (\`subscription_id\`) references \`subscription\` (\`id\`) on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table \`domain\` add constraint \`domain_customer_id_foreign\` foreign key (\`customer_id\`) references \`customer\` (\`id\`) on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`subscription\` drop foreign key \`subscription_customer_id_foreign\`;`,
    );

    this.addSql(`alter table \`domain\` drop foreign key \`domain_customer_id_foreign\`;`);

    this.addSql(`alter table \`domain\` drop foreign key \`domain_subscription_id_foreign\`;`);

    this.addSql(`drop table if exists \`domain\`;`);

    this.addSql(`drop table if exists \`subscription\`;`);
  }
}
