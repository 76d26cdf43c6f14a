import type { RowDataPacket } from 'mysql2';
import { createConnection } from 'mysql2/promise';
import { prepareDatabase } from '../../src/database/prepare-database';
import { databaseServer, ROOT_DATABASE_URL, runId } from './test-run';

/**
 * Migrating a database from nothing takes seconds (a dozen migrations of DDL), and every spec
 * file has a database of its own. So the run migrates one template database once (`ct_<run>_template`,
 * dropped with the run's other databases), and a spec file's new database gets the template's
 * tables as `SHOW CREATE TABLE` gives them, and its migration log, so `prepareDatabase` finds
 * nothing pending. test/database/migrations.e2e-spec.ts still migrates from nothing.
 */
interface Schema {
  tables: string[];
  migrations: RowDataPacket[];
}

let schema: Promise<Schema> | undefined;

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

async function connect(database?: string) {
  return createConnection({ ...databaseServer(), database, multipleStatements: false });
}

async function readTemplate(): Promise<Schema> {
  const name = `ct_${runId()}_template`;
  // Parallel Jest workers may all get here first: prepareDatabase migrates under a named lock.
  await prepareDatabase({ url: `${ROOT_DATABASE_URL}/${name}`, poolMax: 2 });
  const connection = await connect(name);
  try {
    const [names] = await connection.query<RowDataPacket[]>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const tables: string[] = [];
    for (const { name: table } of names as Array<{ name: string }>) {
      const [[created]] = await connection.query<RowDataPacket[]>(
        `SHOW CREATE TABLE ${quote(table)}`,
      );
      tables.push(String(created['Create Table']).replace(/ AUTO_INCREMENT=\d+/, ''));
    }
    const [migrations] = await connection.query<RowDataPacket[]>(
      'SELECT * FROM mikro_orm_migrations ORDER BY id',
    );
    return { tables, migrations };
  } finally {
    await connection.end();
  }
}

/**
 * Creates `database` with the migrated schema, unless it exists already (a later app of the same
 * spec file, or a worker process that migrated it first): then it is left to prepareDatabase.
 */
export async function createFromTemplate(database: string): Promise<void> {
  schema ??= readTemplate();
  const { tables, migrations } = await schema;
  const server = await connect();
  try {
    await server.query(
      `CREATE DATABASE ${quote(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } catch (error) {
    if ((error as { code?: string }).code === 'ER_DB_CREATE_EXISTS') return;
    throw error;
  } finally {
    await server.end();
  }
  const connection = await connect(database);
  try {
    await connection.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const table of tables) await connection.query(table);
    for (const row of migrations)
      await connection.query('INSERT INTO mikro_orm_migrations SET ?', [row]);
  } finally {
    await connection.end();
  }
}
