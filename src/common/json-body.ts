import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MalformedJson, MalformedUtf8, UnsupportedMediaType } from './body-errors';
import { BadRequest } from './domain-errors';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth';
import { malformedTextIn } from './well-formed-text';

/** `application/json` and every `application/*+json`, with or without parameters. */
const JSON_TYPES = /^application\/(?:[^;\s]+\+)?json\s*(?:;|$)/i;

/** Only an object or an array is a body (as body-parser's `strict`): `"x"` or `null` is malformed. */
const STRICT_START = /^[\s]*[{[]/;

const charsetOf = (contentType: string | undefined): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];

/**
 * JSON bodies, read by Fastify within its `bodyLimit` (413 above it) and parsed by its own JSON
 * parser, with what clients relied on before: UTF-8 only (415 for another charset, 400
 * `malformed-utf8` for bytes that are not UTF-8 rather than U+FFFD stored in their place), strict
 * (an object or an array), an empty body read as `{}`.
 */
export function parseJsonBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(JSON_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && !/^utf-?8$/i.test(charset))
      return done(
        new UnsupportedMediaType(`The charset "${charset}" is not supported: send UTF-8.`),
      );
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) return done(new MalformedUtf8());
    const text = bytes.toString('utf8');
    if (text.trim() === '') return done(null, {});
    if (!STRICT_START.test(text)) return done(new MalformedJson());
    parseJson(request, text, (error, value) =>
      error ? done(new MalformedJson()) : done(null, value),
    );
  });
}

/**
 * A body of any other type is not read: it stays undefined and validation says what is missing.
 * (Without this parser Fastify would answer 415 itself, in its own words.)
 */
export function leaveOtherBodiesUnread(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
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
