import { Injectable, Logger } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminOnly } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { Unauthenticated } from '../common/domain-errors';
import { answerError, writeProblemDetails } from '../common/problem-details.filter';
import { pathOf } from '../common/request-path';

/**
 * Bull Board's page loads its scripts and styles from files under /admin/queues/static (no inline
 * script, so script-src stays 'self'), but its markup carries inline styles. It also links a web
 * font from Google, which stays blocked: an administrator's page makes no third-party requests.
 */
export const QUEUES_DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The quality an Accept header gives a media type: its most specific match decides (RFC 9110). */
export function acceptQuality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, quality: 0 };
  for (const range of accept.split(',')) {
    const [rawName, ...parameters] = range.toLowerCase().split(';');
    const name = rawName.trim();
    const specificity = name === type ? 2 : name === `${major}/*` ? 1 : name === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q ? Number(q.slice(2)) : 1;
    best = { specificity, quality: Number.isFinite(quality) ? quality : 0 };
  }
  return best.quality;
}

/**
 * A browser navigating to the page (it prefers HTML to JSON), as opposed to the page's own API
 * calls. Without an Accept header a caller takes JSON.
 */
export const opensPage = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept;
  return (
    request.method === 'GET' &&
    accept !== undefined &&
    acceptQuality(accept, 'text/html') > acceptQuality(accept, 'application/json')
  );
};

/** What the dashboard is to the AuthGuard: a route for administrators only. */
@AdminOnly()
class QueuesDashboardRoute {
  open(): void {}
}

/**
 * In front of Bull Board's routes, which Nest's guards do not reach (an `onRequest` hook of their
 * Fastify scope): the same AuthGuard as every API route decides (bearer token or the panel's
 * session cookie, whose changes need the CSRF header), for administrators only. Someone not
 * logged in who opens the page in a browser is sent to the panel's login; anything else gets the
 * guard's 401 or 403 problem details, answered here: Bull Board's scope has an error handler of
 * its own that would make them 500s.
 */
@Injectable()
export class QueuesDashboardAccess {
  private readonly logger = new Logger('QueuesDashboard');

  constructor(private readonly guard: AuthGuard) {}

  async check(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    reply.header('Content-Security-Policy', QUEUES_DASHBOARD_CSP);
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('Cache-Control', 'no-store');
    const context = new ExecutionContextHost(
      [request, reply],
      QueuesDashboardRoute,
      QueuesDashboardRoute.prototype.open,
    );
    try {
      await this.guard.canActivate(context);
      return undefined;
    } catch (error) {
      if (error instanceof Unauthenticated && opensPage(request)) return reply.redirect('/', 303);
      answerError(error, pathOf(request.url), reply, this.logger, writeProblemDetails);
      return reply;
    }
  }
}
