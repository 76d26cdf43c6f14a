import { Migration } from '@mikro-orm/migrations';

/** Bulk jobs and their per-customer outcomes. */
export class Migration20261124054510 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`bulk_job\` (\`id\` int unsigned not null auto_increment primary key, \`action\` varchar(16) not null, \`state\` varchar(16) not null, \`actor\` varchar(64) not null, \`customer_ids\` json not null, \`total\` int unsigned not null, \`first_id\` int unsigned not null, \`last_id\` int unsigned not null, \`position\` int unsigned not null default 0, \`processed\` int unsigned not null default 0, \`succeeded\` int unsigned not null default 0, \`failed\` int unsigned not null default 0, \`idempotency_key\` varchar(255) null, \`request_hash\` varchar(64) null, \`error\` varchar(1000) null, \`created_at\` datetime(3) not null, \`started_at\` datetime(3) null, \`finished_at\` datetime(3) null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(`alter table \`bulk_job\` add index \`bulk_job_state_idx\`(\`state\`, \`id\`);`);
    this.addSql(
      `alter table \`bulk_job\` add unique \`bulk_job_idempotency_unique\`(\`actor\`, \`idempotency_key\`);`,
    );

    this.addSql(
      `create table \`bulk_job_result\` (\`job_id\` int unsigned not null, \`customer_id\` int unsigned not null, \`outcome\` varchar(16) not null, \`error\` varchar(255) null, primary key (\`job_id\`, \`customer_id\`)) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`bulk_job_result\`;`);
    this.addSql(`drop table if exists \`bulk_job\`;`);
  }
}
