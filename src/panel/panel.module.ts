import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build` puts the panel (panel/build.mjs), from src/panel or dist/panel alike. */
export const PANEL_DIST = join(__dirname, '..', '..', 'panel', 'dist');

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function setPanelHeaders(reply: FastifyReply, path: string): void {
  reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'same-origin');
  // index.html names the bundle; it must never be stale. The rest may be cached briefly.
  reply.header('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=300');
}

/**
 * Serves the built panel at `/`: one route per file of the build (and `/` for index.html), so
 * /api/v1, /api/docs and /health keep their routes, and a path that is neither an API route nor a
 * panel file still gets the API's 404 problem details. Routing inside the panel is hash-based, so
 * no fallback to index.html. A rebuilt panel is served after a restart.
 */
@Module({})
export class PanelModule implements OnModuleInit {
  private readonly logger = new Logger('Panel');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    if (!existsSync(join(PANEL_DIST, 'index.html'))) {
      this.logger.warn(
        `The panel is not built (no ${PANEL_DIST}/index.html): run "npm run build".`,
      );
      return;
    }
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    void fastify.register(fastifyStatic, {
      root: PANEL_DIST,
      prefix: '/',
      wildcard: false,
      index: 'index.html',
      serveDotFiles: false,
      redirect: false,
      // /api/docs has its own (SwaggerModule): one `sendFile` decoration per application.
      decorateReply: false,
      setHeaders: setPanelHeaders,
    });
  }
}
