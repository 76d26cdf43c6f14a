import { ValidationFailed } from './domain-errors';

/**
 * Opaque keyset-pagination cursors: base64url of a small JSON object. Clients must treat them as
 * opaque; the server checks their shape so a forged cursor is a 400, not a database error.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(
  cursor: string,
  isValid: (value: unknown) => value is T,
): T {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationFailed([
      { field: 'cursor', code: 'invalid_format', message: 'is not a cursor returned by this API' },
    ]);
  }
  if (!isValid(value))
    throw new ValidationFailed([
      { field: 'cursor', code: 'invalid_format', message: 'is not a cursor returned by this API' },
    ]);
  return value;
}

/** A cursor positioned after an integer id (the common case: lists ordered by id). */
export interface IdCursor extends Record<string, number> {
  id: number;
}

export const isIdCursor = (value: unknown): value is IdCursor =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 1 &&
  Number.isSafeInteger((value as IdCursor).id) &&
  (value as IdCursor).id > 0;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Builds a page from `limit + 1` rows fetched in order. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  cursorOf: (row: R) => Record<string, string | number>,
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
