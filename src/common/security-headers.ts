import type { NextFunction, Request, Response } from 'express';

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

/** Every answer is what its Content-Type says: a browser must never sniff JSON into HTML. */
export function noSniff(_request: Request, response: Response, next: NextFunction): void {
  response.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}

/** For /api/docs and its assets. */
export function docsSecurityHeaders(
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  response.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  response.setHeader('Referrer-Policy', 'same-origin');
  next();
}
