import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from '../common/domain-errors';

/** The `Idempotency-Key` header: 1-255 visible ASCII characters, or undefined when absent. */
export const IdempotencyKey = createParamDecorator(
  (_: unknown, context: ExecutionContext): string | undefined => {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header)) {
      throw new ValidationFailed([
        {
          field: 'Idempotency-Key',
          code: 'invalid_format',
          message: 'must be 1-255 visible ASCII characters',
        },
      ]);
    }
    return header;
  },
);
