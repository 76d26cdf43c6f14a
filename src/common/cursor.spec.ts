import { ValidationFailed } from './domain-errors';
import { decodeCursor, encodeCursor, isIdCursor, toPage } from './cursor';

describe('keyset cursors', () => {
  it('round-trips a position through an opaque, URL-safe string', () => {
    const cursor = encodeCursor({ id: 4711 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, isIdCursor)).toEqual({ id: 4711 });
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['base64 of non-JSON', Buffer.from('hello').toString('base64url')],
    ['a string id', encodeCursor({ id: '5' })],
    ['a negative id', encodeCursor({ id: -1 })],
    ['a fractional id', encodeCursor({ id: 1.5 })],
    ['extra keys', encodeCursor({ id: 1, evil: 1 })],
    ['an overlong value', 'a'.repeat(600)],
  ])('refuses %s with a validation error on the cursor field', (_, cursor) => {
    expect(() => decodeCursor(cursor, isIdCursor)).toThrow(ValidationFailed);
    try {
      decodeCursor(cursor, isIdCursor);
    } catch (error) {
      expect((error as ValidationFailed).errors).toEqual([
        {
          field: 'cursor',
          code: 'invalid_format',
          message: 'is not a cursor returned by this API',
        },
      ]);
    }
  });

  it('builds a page from limit + 1 rows: a cursor only when there is more', () => {
    const rows = [{ id: 9 }, { id: 8 }, { id: 7 }];
    const full = toPage(
      rows,
      2,
      (r) => ({ id: r.id }),
      (r) => r.id,
    );
    expect(full.items).toEqual([9, 8]);
    expect(decodeCursor(full.nextCursor as string, isIdCursor)).toEqual({ id: 8 });
    expect(
      toPage(
        rows,
        3,
        (r) => ({ id: r.id }),
        (r) => r.id,
      ).nextCursor,
    ).toBeNull();
    expect(
      toPage(
        [],
        3,
        (r: { id: number }) => ({ id: r.id }),
        (r) => r.id,
      ),
    ).toEqual({ items: [], nextCursor: null });
  });
});
