import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { pageRoutes } from '../common/security-headers';

/** Where `npm run build` puts the panel (panel/build.mjs), from src/panel or dist/panel alike. */
export const PANEL_DIST = join(__dirname, '..', '..', 'panel', 'dist');

/** index.html names the bundle; it must never be stale. The rest may be cached briefly. */
function setCacheHeaders(reply: FastifyReply, path: string): void {
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
    // A scope of its own, so that the panel's security headers (helmet's, with its CSP) apply to its routes only.
    void fastify.register(async (scope) => {
      scope.addHook('onRoute', pageRoutes('panel'));
      await scope.register(fastifyStatic, {
        root: PANEL_DIST,
        prefix: '/',
        wildcard: false,
        index: 'index.html',
        serveDotFiles: false,
        redirect: false,
        // /api/docs has its own (SwaggerModule): one `sendFile` decoration per application.
        decorateReply: false,
        setHeaders: setCacheHeaders,
      });
    });
  }
}
