import { Injectable, NestMiddleware } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { NextFunction, Request, Response } from 'express';
import { AdminOnly } from '../auth/auth.decorators';
import { AuthGuard } from '../auth/auth.guard';
import { Unauthenticated } from '../common/domain-errors';

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

/** A browser navigating to the page (it prefers HTML), as opposed to the page's own API calls. */
const opensPage = (request: Request) =>
  request.method === 'GET' && request.accepts(['json', 'html']) === 'html';

/** What the dashboard is to the AuthGuard: a route for administrators only. */
@AdminOnly()
class QueuesDashboardRoute {
  open(): void {}
}

/**
 * In front of Bull Board's router, which Nest's guards do not reach: the same AuthGuard as every
 * API route decides (bearer token or the panel's session cookie, whose changes need the CSRF
 * header), for administrators only. Someone not logged in who opens the page in a browser is sent
 * to the panel's login; anything else gets the guard's 401 or 403 problem details.
 */
@Injectable()
export class QueuesDashboardAccess implements NestMiddleware {
  constructor(private readonly guard: AuthGuard) {}

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    response.setHeader('Content-Security-Policy', QUEUES_DASHBOARD_CSP);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'same-origin');
    response.setHeader('Cache-Control', 'no-store');
    const context = new ExecutionContextHost(
      [request, response, next],
      QueuesDashboardRoute,
      QueuesDashboardRoute.prototype.open,
    );
    try {
      await this.guard.canActivate(context);
    } catch (error) {
      if (error instanceof Unauthenticated && opensPage(request)) {
        response.redirect(303, '/');
        return;
      }
      throw error;
    }
    next();
  }
}
