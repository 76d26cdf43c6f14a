import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express, { Response } from 'express';

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

function setPanelHeaders(response: Response, path: string): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'same-origin');
  // index.html names the bundle; it must never be stale. The rest may be cached briefly.
  response.setHeader('Cache-Control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=300');
}

/**
 * Serves the built panel at `/`. Registered when the module initialises, which Nest does after
 * the API routes and before its not-found handler: /api/v1, /api/docs and /health keep
 * precedence, and a path that is neither an API route nor a panel file still gets the API's
 * 404 problem details. Routing inside the panel is hash-based, so no fallback to index.html.
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
    const app = this.adapterHost.httpAdapter.getInstance<express.Express>();
    app.use(
      express.static(PANEL_DIST, {
        index: 'index.html',
        dotfiles: 'ignore',
        fallthrough: true,
        redirect: false,
        setHeaders: setPanelHeaders,
      }),
    );
  }
}
