/**
 * Customer search (`q`): substrings of username, name, company and email, found through the
 * trigram index `customer_search_trigram` and confirmed with the `LIKE` the search always used.
 *
 * Why a trigram table: MariaDB has no n-gram FULLTEXT parser, and InnoDB FULLTEXT finds words and
 * word prefixes only, so `mid` would no longer find "Schmidt" nor `example.c` an email. Every
 * substring of at least 3 characters is the union of its trigrams, so the index answers exactly the
 * substrings `LIKE '%q%'` answered, without reading every customer.
 *
 * Case and accents: trigrams are cut by code point, like `LIKE` compares, and the trigram column
 * has the customer columns' collation (utf8mb4_unicode_ci). So `trigram = ?` folds case and
 * accents as `LIKE` does ("mul" finds "Müller"), and the index can only find more candidates than
 * `LIKE`, never fewer; the `LIKE` on the candidates then decides. Normalising in TypeScript
 * (NFC, toLowerCase) could only drift from what `LIKE` does, so nothing is normalised there.
 */

/** What the search reads, as columns of `customer`. */
export const SEARCHED_COLUMNS = ['username', 'name', 'company', 'email'] as const;

/** Terms shorter than this have no trigram: they fall back to `LIKE` over every customer. */
export const TRIGRAM_LENGTH = 3;

/** Columns hold at most 255 characters, so a trigram starts at position 253 at the latest. */
const LAST_START = 253;

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * Writes the trigram rows of the customers `WHERE <customerWhere>` (over `customer`): one
 * `INSERT ... SELECT`, used when customers are created or edited, by the migration that filled
 * the table, and by the benchmark's seed, so the rows are cut the same way everywhere. `LOWER`
 * only makes the rows readable: the collation compares them. Rows go in in index order, which
 * is what makes filling millions of them take seconds rather than minutes.
 */
export function insertTrigramsSql(customerWhere: string): string {
  const texts = SEARCHED_COLUMNS.map(
    (column) => `SELECT id, ${column} AS text FROM customer WHERE ${customerWhere}`,
  ).join(' UNION ALL ');
  return `INSERT INTO customer_search_trigram (trigram, customer_id)
    WITH RECURSIVE start (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM start WHERE n < ${LAST_START})
    SELECT LOWER(SUBSTRING(t.text, start.n, ${TRIGRAM_LENGTH})), t.id
      FROM (${texts}) t JOIN start ON start.n <= CHAR_LENGTH(t.text) - ${TRIGRAM_LENGTH - 1}
     ORDER BY 1, 2
    ON DUPLICATE KEY UPDATE customer_id = customer_id`;
}

/** At most this many trigrams of a term are looked up: enough to make the candidates few. */
const MAX_LOOKUPS = 6;

/**
 * The trigrams of a term that the search looks up, by code point (a lone surrogate never gets
 * here: validation refuses it): the ones that do not overlap (positions 0, 3, 6, ...) and the
 * last, at most `MAX_LOOKUPS`. Any subset of a term's trigrams finds all its matches (and maybe
 * more, which `LIKE` removes); trigrams that do not overlap say the most per lookup.
 */
export function lookedUpTrigrams(term: string): string[] {
  const characters = [...term];
  if (characters.length < TRIGRAM_LENGTH) return [];
  const at = (start: number) => characters.slice(start, start + TRIGRAM_LENGTH).join('');
  const trigrams = new Set<string>();
  for (let start = 0; start + TRIGRAM_LENGTH <= characters.length; start += TRIGRAM_LENGTH) {
    if (trigrams.size === MAX_LOOKUPS - 1) break;
    trigrams.add(at(start));
  }
  trigrams.add(at(characters.length - TRIGRAM_LENGTH));
  return [...trigrams];
}

/** The customers `c` a search reads (`from`) and the condition they must meet (`where`). */
export interface CustomerSearchSql {
  from: SqlFragment;
  where: SqlFragment;
}

/**
 * A search for `q`. With trigrams: customer `c` joined to one index row per looked-up trigram, so
 * MariaDB reads the rarest trigram's rows in `customer_id` order (the primary key's order, hence
 * the list's order, so a page stops after `limit` matches) and looks up the others by primary
 * key; `LIKE` then confirms each candidate. Shorter terms: `LIKE` over the customers alone.
 */
export function customerSearchSql(q: string): CustomerSearchSql {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const likeSql = `(${SEARCHED_COLUMNS.map((column) => `c.${column} LIKE ?`).join(' OR ')})`;
  const likeParams = SEARCHED_COLUMNS.map(() => like);
  const [first, ...others] = lookedUpTrigrams(q);
  if (first === undefined)
    return { from: { sql: 'customer c', params: [] }, where: { sql: likeSql, params: likeParams } };
  const joins = others.map(
    (_, i) =>
      ` JOIN customer_search_trigram t${i + 1} ON t${i + 1}.customer_id = t0.customer_id AND t${i + 1}.trigram = ?`,
  );
  return {
    from: {
      sql: `customer_search_trigram t0${joins.join('')} JOIN customer c ON c.id = t0.customer_id`,
      params: others,
    },
    where: { sql: `t0.trigram = ? AND ${likeSql}`, params: [first, ...likeParams] },
  };
}
