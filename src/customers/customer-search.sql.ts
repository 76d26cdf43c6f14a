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
 * has the customer columns' collation (utf8mb4_unicode_ci). So `trigram IN (...)` folds case and
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
 * only makes the rows readable: the collation compares them.
 */
export function insertTrigramsSql(customerWhere: string): string {
  const texts = SEARCHED_COLUMNS.map(
    (column) => `SELECT id, ${column} AS text FROM customer WHERE ${customerWhere}`,
  ).join(' UNION ALL ');
  return `INSERT INTO customer_search_trigram (trigram, customer_id)
    WITH RECURSIVE start (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM start WHERE n < ${LAST_START})
    SELECT LOWER(SUBSTRING(t.text, start.n, ${TRIGRAM_LENGTH})), t.id
      FROM (${texts}) t JOIN start ON start.n <= CHAR_LENGTH(t.text) - ${TRIGRAM_LENGTH - 1}
    ON DUPLICATE KEY UPDATE customer_id = customer_id`;
}

/** The distinct trigrams of a term, by code point (a lone surrogate never gets here: validation refuses it). */
export function trigramsOf(term: string): string[] {
  const characters = [...term];
  const trigrams = new Set<string>();
  for (let i = 0; i + TRIGRAM_LENGTH <= characters.length; i++)
    trigrams.add(characters.slice(i, i + TRIGRAM_LENGTH).join(''));
  return [...trigrams];
}

/**
 * The condition "customer `c` matches `q`". With trigrams: the customers that have every trigram
 * of the term (their number counted under the collation, so "mül" and "mul" count once, as the
 * index stores them once), confirmed by `LIKE`. `idBelow` narrows the index read to the page
 * after an id cursor. Shorter terms: `LIKE` alone.
 */
export function customerMatchesSql(q: string, idBelow?: number): SqlFragment {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const likeSql = `(${SEARCHED_COLUMNS.map((column) => `c.${column} LIKE ?`).join(' OR ')})`;
  const likeParams = SEARCHED_COLUMNS.map(() => like);
  const trigrams = trigramsOf(q);
  if (trigrams.length === 0) return { sql: likeSql, params: likeParams };
  const list = trigrams.map(() => '?').join(', ');
  const term = trigrams
    .map(() => 'SELECT CONVERT(? USING utf8mb4) COLLATE utf8mb4_unicode_ci AS trigram')
    .join(' UNION ');
  const below = idBelow === undefined ? '' : ' AND t.customer_id < ?';
  return {
    sql: `c.id IN (SELECT t.customer_id FROM customer_search_trigram t
        WHERE t.trigram IN (${list})${below}
        GROUP BY t.customer_id HAVING COUNT(*) = (SELECT COUNT(*) FROM (${term}) term))
      AND ${likeSql}`,
    params: [...trigrams, ...(idBelow === undefined ? [] : [idBelow]), ...trigrams, ...likeParams],
  };
}
