import { Configuration, Dictionary, Transaction } from '@mikro-orm/core';
import {
  AbstractSqlConnection,
  CheckDef,
  Column,
  MySqlDriver,
  MySqlPlatform,
  MySqlSchemaHelper,
} from '@mikro-orm/mysql';

type Table = { table_name: string; schema_name?: string };

/**
 * Teaches `@mikro-orm/mysql`'s schema introspection how MariaDB reports a schema, so that a
 * migrated database shows no difference to the entities (MySQL is read exactly as before):
 * - column defaults come as SQL literals: `NULL` for a nullable column without a default, `'text'`
 *   (quoted) for string defaults, where MySQL reports the bare values;
 * - JSON is LONGTEXT plus an implicit `CHECK (json_valid(col))` named after the column.
 */
class MariaDbAwareSchemaHelper extends MySqlSchemaHelper {
  override normalizeDefaultValue(defaultValue: string, length: number): string | number {
    if (defaultValue === 'NULL') return null as unknown as string;
    const quoted = /^'(.*)'$/s.exec(defaultValue);
    if (quoted) return quoted[1].replace(/''/g, "'");
    return super.normalizeDefaultValue(defaultValue, length);
  }

  override async getAllColumns(
    connection: AbstractSqlConnection,
    tables: Table[],
    ctx?: Transaction,
  ): Promise<Dictionary<Column[]>> {
    const columns = await super.getAllColumns(connection, tables, ctx);
    const checks = await super.getAllChecks(connection, tables, ctx);
    for (const [table, tableColumns] of Object.entries(columns)) {
      const jsonColumns = new Set(
        (checks[table] ?? []).filter(isImplicitJsonCheck).map((check) => check.name),
      );
      for (const column of tableColumns) {
        if (jsonColumns.has(column.name) && column.type === 'longtext') {
          column.type = 'json';
          column.mappedType = this.platform.getMappedType('json');
        }
      }
    }
    return columns;
  }

  override async getAllChecks(
    connection: AbstractSqlConnection,
    tables: Table[],
    ctx?: Transaction,
  ): Promise<Dictionary<CheckDef[]>> {
    const checks = await super.getAllChecks(connection, tables, ctx);
    return Object.fromEntries(
      Object.entries(checks).map(([table, list]) => [
        table,
        list.filter((check) => !isImplicitJsonCheck(check)),
      ]),
    );
  }
}

function isImplicitJsonCheck(check: CheckDef): boolean {
  return (
    typeof check.expression === 'string' && check.expression === `json_valid(\`${check.name}\`)`
  );
}

class MariaDbAwarePlatform extends MySqlPlatform {
  protected override readonly schemaHelper: MySqlSchemaHelper = new MariaDbAwareSchemaHelper(this);
}

/** `@mikro-orm/mysql`'s driver with MariaDB-aware schema introspection. */
export class MariaDbAwareMySqlDriver extends MySqlDriver {
  constructor(config: Configuration) {
    super(config);
    Object.assign(this, { platform: new MariaDbAwarePlatform() });
  }
}

// @mikro-orm/nestjs picks the driver package's EntityManager and MikroORM providers by the driver's
// class name; this is the mysql driver, so it keeps that name.
Object.defineProperty(MariaDbAwareMySqlDriver, 'name', { value: 'MySqlDriver' });
