import fastifyHelmet, { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { hasPathPrefix } from './request-path';

type Directives = Record<string, string[]>;

/** What every page of ours may load: only its own files, no plugins, no framing, no third party. */
const SELF_ONLY: Directives = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/**
 * The Content-Security-Policy of each page the service serves, the one place that says it:
 * - the panel: only its own bundle and stylesheet;
 * - the API's documentation (Swagger UI): styles its SVG icons inline;
 * - the queue dashboard (Bull Board): inline styles in its markup, a `<base href>` to its own
 *   path, and its web font from Google stays blocked (an administrator's page makes no
 *   third-party requests).
 */
export const PAGE_POLICIES = {
  panel: SELF_ONLY,
  docs: { ...SELF_ONLY, styleSrc: ["'self'", "'unsafe-inline'"] },
  queuesDashboard: {
    ...SELF_ONLY,
    styleSrc: ["'self'", "'unsafe-inline'"],
    fontSrc: ["'self'", 'data:'],
    baseUri: ["'self'"],
  },
} satisfies Record<string, Directives>;

export type PageName = keyof typeof PAGE_POLICIES;

/**
 * Helmet's options for a page: its CSP (without helmet's default directives, whose
 * `upgrade-insecure-requests` would break the pages on plain HTTP), pages linking within the site
 * only.
 */
const helmetFor = (page: PageName): FastifyHelmetOptions => ({
  contentSecurityPolicy: { useDefaults: false, directives: PAGE_POLICIES[page] },
  referrerPolicy: { policy: 'same-origin' },
});

/**
 * An `onRoute` hook that gives the routes it sees the headers of `page` (helmet's per-route
 * configuration): for the scope of a page's routes, or, with `only`, for some routes of a wider scope.
 */
export const pageRoutes =
  (page: PageName, only: (url: string) => boolean = () => true) =>
  (route: RouteOptions): void => {
    if (only(route.url)) route.config = { ...route.config, helmet: helmetFor(page) };
  };

/** The API's documentation: its page and assets (not /api/docs-json). */
const isDocsPage = (url: string): boolean => /^\/api\/docs(?:\/|$)/i.test(url);

/**
 * Security headers:
 * - pages (panel, docs, queue dashboard) get helmet's, with their CSP (`pageRoutes`). Helmet is
 *   not global: it builds its middleware again for every request it serves (about 13 µs), which
 *   the API's JSON answers do not need;
 * - every answer, whatever sent it (a route, a refusal, a 404), carries
 *   `X-Content-Type-Options: nosniff`: a browser must never sniff JSON into HTML;
 * - under the API prefixes, `Cache-Control: no-store`: answers are per principal and change
 *   without notice (counts, status), so a conditional GET can never serve stale data behind an
 *   ETag that only versions the edit.
 */
export async function securityHeaders(
  fastify: FastifyInstance,
  apiPrefixes: string[],
): Promise<void> {
  await fastify.register(fastifyHelmet, { global: false });
  fastify.addHook('onRoute', pageRoutes('docs', isDocsPage));
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    const url = request.url;
    if (apiPrefixes.some((prefix) => hasPathPrefix(url, prefix)))
      reply.header('Cache-Control', 'no-store');
    done();
  });
}
