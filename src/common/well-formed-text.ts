import { ValidationFailed } from './domain-errors';

/** A lone UTF-16 surrogate: JSON's `\ud800` escapes allow it, but no UTF-8 text can hold it. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Where in a parsed JSON value the first string (or key) with a lone surrogate sits, as `a.b.0`, or
 * undefined when all text is well formed. Walks without recursion, like `jsonDepth`.
 */
export function findMalformedText(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return path;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    for (const [key, child] of Object.entries(current)) {
      const childPath = path ? `${path}.${key}` : key;
      if (LONE_SURROGATE.test(key)) return childPath;
      stack.push([child, childPath]);
    }
  }
  return undefined;
}

/**
 * The refusal of text that MySQL's utf8mb4 and the outbox's JSON cannot store, in the body or the
 * query string, before validation: one check for every route, naming the field. Undefined when
 * all text is well formed.
 */
export function malformedTextIn(body: unknown, query: unknown): ValidationFailed | undefined {
  for (const [source, value] of [
    ['body', body],
    ['query', query],
  ] as const) {
    const field = findMalformedText(value);
    if (field !== undefined) {
      return new ValidationFailed([
        {
          field: field || source,
          code: 'invalid_unicode',
          message: 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)',
        },
      ]);
    }
  }
  return undefined;
}
