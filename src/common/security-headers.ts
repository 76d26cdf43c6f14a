import type { FastifyInstance } from 'fastify';
import { hasPathPrefix } from './request-path';

/**
 * The Swagger UI page loads its own script and style files from /api/docs/, styles its SVG icons
 * inline and shows data: images, and fetches the document from /api/docs-json. Nothing else.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The API's documentation: its page and assets (not /api/docs-json). */
const DOCS_PATH = /^\/api\/docs(?:[/?]|$)/i;

/**
 * Headers every answer carries, set before anything can answer:
 * - `X-Content-Type-Options: nosniff` everywhere: a browser must never sniff JSON into HTML;
 * - under the API prefixes, `Cache-Control: no-store`: answers are per principal and change
 *   without notice (counts, status), so a conditional GET can never serve stale data behind an
 *   ETag that only versions the edit;
 * - for /api/docs and its assets, their CSP and referrer policy.
 */
export function securityHeaders(fastify: FastifyInstance, apiPrefixes: string[]): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    const url = request.url;
    if (apiPrefixes.some((prefix) => hasPathPrefix(url, prefix))) {
      reply.header('Cache-Control', 'no-store');
    } else if (DOCS_PATH.test(url)) {
      reply.header('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
      reply.header('Referrer-Policy', 'same-origin');
    }
    done();
  });
}
