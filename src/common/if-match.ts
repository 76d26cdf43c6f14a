import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from './domain-errors';

/**
 * The version an edit is based on, from `If-Match: "<version>"` (weak tags and bare numbers are
 * accepted too). Undefined when the header is absent: the edit then applies to the current version.
 */
export const IfMatchVersion = createParamDecorator(
  (_: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
    if (header === undefined || header === '*') return undefined;
    const match = /^\s*(?:W\/)?"?(\d{1,10})(?:-[\d-]+)?"?\s*$/.exec(String(header));
    if (!match)
      throw new ValidationFailed([
        {
          field: 'If-Match',
          code: 'invalid_format',
          message: 'must be the ETag of the object, such as "3"',
        },
      ]);
    return Number(match[1]);
  },
);

/**
 * The ETag of a representation: the edit version, then anything else in the body that changes
 * without an edit (such as counts), so a conditional GET never serves stale data. If-Match
 * compares the version part only.
 */
export const etagOf = (version: number, ...volatile: number[]) =>
  `"${[version, ...volatile].join('-')}"`;
