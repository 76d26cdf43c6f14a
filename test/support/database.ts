import { MikroORM } from '@mikro-orm/mysql';
import { deleteRedisKeys } from './redis-keys';
import { ensureFirstAdministrator } from '../../src/auth/first-administrator';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { prepareDatabase } from '../../src/database/prepare-database';
import { createFromTemplate } from './schema-template';
import { ROOT_DATABASE_URL, specName, TEST_REDIS_URL } from './test-run';

export const ADMIN = { username: 'admin', password: 'admin-password-1' };
export const TEST_SECRET_ENCRYPTION_KEY = '7e57'.repeat(16);

/** The configuration of this spec file: its own database and Redis prefix. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  const name = specName();
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: `${ROOT_DATABASE_URL}/${name}`,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: name,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PROCESS_ROLE: 'api',
    // Parallel Jest workers would all want the default port; a test that scrapes picks a free one.
    METRICS_PORT: '0',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    // A test key, so that a spec may run a process as NODE_ENV=production (which requires one).
    SECRET_ENCRYPTION_KEY: TEST_SECRET_ENCRYPTION_KEY,
    ...overrides,
  });
}

/**
 * Creates and migrates this file's database, then empties it and its Redis keys, so each
 * application a spec starts begins from nothing but the first administrator.
 */
export async function resetTestData(config: AppConfig): Promise<void> {
  // A database of the shared test server starts as a copy of the run's migrated template; one a
  // spec points elsewhere (a private MariaDB) is migrated as production does.
  const ownDatabase = config.databaseUrl.startsWith(`${ROOT_DATABASE_URL}/`)
    ? config.databaseUrl.slice(ROOT_DATABASE_URL.length + 1).split('?')[0]
    : undefined;
  if (ownDatabase) await createFromTemplate(ownDatabase);
  await prepareDatabase({ url: config.databaseUrl, poolMax: 2 }, async (orm: MikroORM) => {
    const connection = orm.em.getConnection();
    const tables = await connection.execute<Array<{ name: string }>>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> 'mikro_orm_migrations'",
    );
    await connection.execute('SET FOREIGN_KEY_CHECKS = 0');
    for (const { name } of tables) await connection.execute(`TRUNCATE TABLE \`${name}\``);
    await connection.execute('SET FOREIGN_KEY_CHECKS = 1');
    await ensureFirstAdministrator(orm, config.adminUsername, config.adminPassword, {
      log: () => undefined,
    });
  });
  await deleteRedisKeys(TEST_REDIS_URL, config.redisPrefix);
}
