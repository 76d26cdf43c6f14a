import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'clientele_session';
export const CSRF_COOKIE = 'clientele_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export const newToken = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function sameHash(value: string, expectedHash: string): boolean {
  const actual = Buffer.from(sha256(value), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
