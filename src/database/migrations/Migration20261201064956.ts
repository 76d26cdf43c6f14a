import { Migration } from '@mikro-orm/migrations';

/**
 * A failed bulk chunk records the driver's error in full: its message (up to 2,000 characters
 * instead of the first 255 of MikroORM's message, which starts with the statement), code name,
 * error number and SQLSTATE.
 */
export class Migration20261201064956 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`bulk_job_result\` add \`error_code\` varchar(64) null, add \`error_errno\` int null, add \`error_sql_state\` varchar(5) null, modify \`error\` varchar(2000) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`bulk_job_result\` drop column \`error_code\`, drop column \`error_errno\`, drop column \`error_sql_state\`, modify \`error\` varchar(255) null;`,
    );
  }
}
