import { Migration } from '@mikro-orm/migrations';

/** Lets the hourly pruning of the webhook delivery log find old attempts by time. */
export class Migration20261124062311 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`webhook_delivery\` add index \`webhook_delivery_created_idx\`(\`created_at\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`webhook_delivery\` drop index \`webhook_delivery_created_idx\`;`);
  }
}
