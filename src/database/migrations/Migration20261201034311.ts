import { Migration } from '@mikro-orm/migrations';

/**
 * Suspension details on the customer row (reason, since when, by whom; `suspended_at` indexed for
 * `suspendedBefore`), and scheduled bulk jobs (`run_at`) with their suspension reason.
 * Customers suspended before this migration get `suspended_at` from their last update.
 */
export class Migration20261201034311 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`customer\` add \`suspension_reason\` varchar(255) null, add \`suspended_at\` datetime(3) null, add \`suspended_by\` varchar(64) null;`,
    );
    this.addSql(
      `alter table \`customer\` add index \`customer_suspended_at_idx\`(\`suspended_at\`);`,
    );
    this.addSql(
      `update \`customer\` set \`suspended_at\` = \`updated_at\` where \`status\` = 'suspended';`,
    );
    this.addSql(
      `alter table \`bulk_job\` add \`run_at\` datetime(3) null, add \`reason\` varchar(255) null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`bulk_job\` drop column \`run_at\`, drop column \`reason\`;`);
    this.addSql(`alter table \`customer\` drop index \`customer_suspended_at_idx\`;`);
    this.addSql(
      `alter table \`customer\` drop column \`suspension_reason\`, drop column \`suspended_at\`, drop column \`suspended_by\`;`,
    );
  }
}
