import { Migration } from '@mikro-orm/migrations';

/**
 * The expiry pass reads `subscription_expiry_idx` by reasons, then `expires_at`: due and renewed
 * subscriptions are each a few index ranges, instead of a scan of every subscription.
 */
export class Migration20261201065651 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`subscription\` drop index \`subscription_expiry_idx\`, add index \`subscription_expiry_idx\`(\`suspended_reasons\`, \`expires_at\`);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table \`subscription\` drop index \`subscription_expiry_idx\`, add index \`subscription_expiry_idx\`(\`expires_at\`);`,
    );
  }
}
