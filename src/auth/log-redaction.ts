const KEY_IN_PATH = /(\/auth\/keys\/)[^/?#]+/i;

interface LoggedRequest {
  url?: string;
  params?: unknown;
}

/**
 * Plesk's `DELETE /api/v2/auth/keys/{key}` carries a key in its path: its request log shows the
 * path with the key blanked out, and not the path's segments (`params`) at all.
 */
export function redactKeyInPath<T extends LoggedRequest>(req: T): T {
  if (!req.url || !KEY_IN_PATH.test(req.url)) return req;
  return { ...req, url: req.url.replace(KEY_IN_PATH, '$1[redacted]'), params: undefined };
}
