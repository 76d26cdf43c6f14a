import { Migration } from '@mikro-orm/migrations';

/**
 * API keys, and a `guid` for every customer and domain (Plesk's REST API v2 names objects by it).
 * Existing rows get their own UUID here; new rows get theirs from the entity (plain SQL inserts
 * must give one, e.g. `UUID()`).
 */
export class Migration20261201033947 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`api_key\` (\`id\` int unsigned not null auto_increment primary key, \`administrator_id\` int unsigned not null, \`name\` varchar(100) not null, \`key_hash\` varchar(64) not null, \`access\` varchar(16) not null, \`allowed_ips\` json null, \`expires_at\` datetime(3) null, \`last_used_at\` datetime(3) null, \`last_used_ip\` varchar(45) null, \`created_at\` datetime(3) not null, \`revoked_at\` datetime(3) null) default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;`,
    );
    this.addSql(
      `alter table \`api_key\` add index \`api_key_administrator_id_index\`(\`administrator_id\`);`,
    );
    this.addSql(`alter table \`api_key\` add unique \`api_key_key_hash_unique\`(\`key_hash\`);`);
    this.addSql(
      `alter table \`api_key\` add constraint \`api_key_administrator_id_foreign\` foreign key (\`administrator_id\`) references \`administrator\` (\`id\`) on update cascade on delete cascade;`,
    );

    for (const table of ['customer', 'domain']) {
      this.addSql(`alter table \`${table}\` add \`guid\` varchar(36) null;`);
      // UUID() is evaluated per row, so every existing row gets its own.
      this.addSql(`update \`${table}\` set \`guid\` = uuid();`);
      this.addSql(`alter table \`${table}\` modify \`guid\` varchar(36) not null;`);
      this.addSql(`alter table \`${table}\` add unique \`${table}_guid_unique\`(\`guid\`);`);
    }
  }

  override async down(): Promise<void> {
    for (const table of ['customer', 'domain']) {
      this.addSql(`alter table \`${table}\` drop index \`${table}_guid_unique\`;`);
      this.addSql(`alter table \`${table}\` drop column \`guid\`;`);
    }
    this.addSql(`drop table if exists \`api_key\`;`);
  }
}
