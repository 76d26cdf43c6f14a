import { Migration } from '@mikro-orm/migrations';

/** `bulk_job.chunk_starts`: starts of the job's next chunk since its last commit (the poison-chunk rule). */
export class Migration20261207013000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table \`bulk_job\` add \`chunk_starts\` int unsigned not null default 0 after \`failed\`;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`bulk_job\` drop column \`chunk_starts\`;`);
  }
}
