import { Migration } from '@mikro-orm/migrations';

/**
 * The customer search index (`customer_search_trigram`, see src/customers/customer-search.sql.ts):
 * every 3-character substring of username, name, company and email, filled here for the customers
 * that exist. The statement is a copy of `insertTrigramsSql('1 = 1')` as it was when this
 * migration was written, so later changes there do not change what this migration did.
 */
export class Migration20261201070000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`customer_search_trigram\` (\`trigram\` varchar(3) not null, \`customer_id\` int unsigned not null, primary key (\`trigram\`, \`customer_id\`)) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`customer_search_trigram\` add index \`customer_search_trigram_customer_id_index\`(\`customer_id\`);`,
    );
    this.addSql(
      `alter table \`customer_search_trigram\` add constraint \`customer_search_trigram_customer_id_foreign\` foreign key (\`customer_id\`) references \`customer\` (\`id\`) on update cascade on delete cascade;`,
    );
    const texts = ['username', 'name', 'company', 'email']
      .map((column) => `SELECT id, ${column} AS text FROM customer`)
      .join(' UNION ALL ');
    this.addSql(
      `INSERT INTO customer_search_trigram (trigram, customer_id)
        WITH RECURSIVE start (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM start WHERE n < 253)
        SELECT LOWER(SUBSTRING(t.text, start.n, 3)), t.id
          FROM (${texts}) t JOIN start ON start.n <= CHAR_LENGTH(t.text) - 2
        ON DUPLICATE KEY UPDATE customer_id = customer_id;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`customer_search_trigram\`;`);
  }
}
