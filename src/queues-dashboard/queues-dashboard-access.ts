import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ExternalContextCreator } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminOnly } from '../auth/auth.decorators';
import { Unauthenticated } from '../common/domain-errors';
import { answerError, writeProblemDetails } from '../common/problem-details.filter';
import { pathOf } from '../common/request-path';

/**
 * A browser navigating to the page (it prefers HTML to JSON, by @fastify/accepts), as opposed to
 * the page's own API calls. Without an Accept header, or with a tie, a caller takes JSON.
 */
export const opensPage = (request: FastifyRequest): boolean =>
  request.method === 'GET' &&
  request.headers.accept !== undefined &&
  request.type(['application/json', 'text/html']) === 'text/html';

/**
 * What the dashboard is to the AuthGuard (the application's global guard, which Nest's
 * ExternalContextCreator runs outside a controller): a route for administrators only.
 */
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
export class QueuesDashboardAccess implements OnModuleInit {
  private readonly logger = new Logger('QueuesDashboard');
  private readonly route = new QueuesDashboardRoute();
  /** The route's `open` behind the application's guards; it throws what the guard throws. */
  private open: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown> = () => {
    throw new Error('QueuesDashboardAccess is used before its module was initialised.');
  };

  constructor(private readonly contexts: ExternalContextCreator) {}

  /** Once the application's global guards are known (they are read when the context is made). */
  onModuleInit(): void {
    this.open = this.contexts.create(
      this.route,
      this.route.open,
      'open',
      undefined,
      undefined,
      undefined,
      undefined,
      { guards: true, interceptors: false, filters: false },
      'http',
    );
  }

  async check(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    reply.header('Cache-Control', 'no-store');
    try {
      await this.open(request, reply);
      return undefined;
    } catch (error) {
      if (error instanceof Unauthenticated && opensPage(request)) return reply.redirect('/', 303);
      answerError(error, pathOf(request.url), reply, this.logger, writeProblemDetails);
      return reply;
    }
  }
}
