import { reasonsToNames } from './suspension-reason';

/**
 * SQL fragments that build, inside one set-based statement, the same JSON the TypeScript views
 * build, so events of a cascade over thousands of rows are written by `INSERT ... SELECT`.
 */

/** JSON array of reason names for a reasons bit-set expression: one `ELT` over all 16 sets. */
export function reasonsJsonSql(bits: string): string {
  const sets = Array.from(
    { length: 16 },
    (_, value) => `'${JSON.stringify(reasonsToNames(value))}'`,
  );
  return `JSON_QUERY(ELT((${bits}) + 1, ${sets.join(', ')}), '$')`;
}

export function statusSql(bits: string): string {
  return `IF((${bits}) = 0, 'active', 'suspended')`;
}

/** ISO 8601 in UTC with milliseconds, like `Date.toISOString()` (the connection runs in UTC). */
export function isoSql(datetime: string): string {
  return `IF((${datetime}) IS NULL, NULL, CONCAT(LEFT(DATE_FORMAT(${datetime}, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'))`;
}

/** A DATETIME(3) literal of a moment we chose ourselves (never user input). */
export function datetimeLiteral(moment: Date): string {
  return `'${moment.toISOString().replace('T', ' ').replace('Z', '')}'`;
}

/**
 * Every reasons value (0-15) that has `bit` set, or that has not, as an SQL list: `IN (...)` over
 * these is a handful of index ranges on a reasons column, where `r & bit <> 0` reads every row.
 */
export function reasonValuesSql(bit: number, present: boolean): string {
  return Array.from({ length: 16 }, (_, value) => value)
    .filter((value) => ((value & bit) !== 0) === present)
    .join(', ');
}
