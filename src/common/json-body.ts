import type { IncomingMessage } from 'node:http';
import bodyParser from 'body-parser';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequest } from './domain-errors';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { malformedTextIn, refuseMalformedUtf8 } from './well-formed-text';

/**
 * An error of reading the body, as body-parser describes it (`status`, `type`, `expose`, zlib's
 * `code`): `toProblem` words each kind. Not a SyntaxError, which Nest would turn into a generic
 * 400 before our filter could say "malformed JSON".
 */
class UnreadableBody extends Error {
  readonly status: number;
  readonly type?: string;
  readonly expose?: boolean;
  readonly code?: string;

  constructor(cause: Error & { status?: number; type?: string; expose?: boolean; code?: string }) {
    super(cause.message);
    this.status = cause.status ?? 400;
    this.type = cause.type;
    this.expose = cause.expose;
    this.code = cause.code;
  }
}

/**
 * The request body, read by body-parser as Express read it: JSON (`application/json` and
 * `application/*+json`) decompressed (gzip, deflate, br; 415 for anything else), at most `limit`
 * bytes, strict, and refused unless it is valid UTF-8. Any other type is not read: the body stays
 * undefined and validation says what is missing, as before.
 */
export function parseJsonBody(fastify: FastifyInstance, limit: number): void {
  const parse = bodyParser.json({
    limit,
    type: ['application/json', 'application/*+json'],
    strict: true,
    verify: refuseMalformedUtf8,
  });
  fastify.addContentTypeParser('*', (request, payload, done) => {
    const raw = payload as IncomingMessage & { body?: unknown };
    parse(raw, undefined as never, (error?: unknown) =>
      error ? done(new UnreadableBody(error as Error), undefined) : done(null, raw.body),
    );
  });
}

/** Refuses absurdly nested JSON and lone surrogates before validation and class-transformer see them. */
export function refuseUnreadableInput(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  if (request.body !== undefined && jsonDepth(request.body) > MAX_JSON_DEPTH) {
    return done(new BadRequest(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`));
  }
  done(malformedTextIn(request.body, request.query));
}
