/** The path a request asked for, without its query. */
export const pathOf = (url: string): string => url.split('?')[0];

/**
 * Whether `url` lies under `prefix` (given in lower case). Routes match case-insensitively
 * (http-app.ts), so whatever is decided by prefix does too: `/API/V1/...` is under `/api/v1/`.
 */
export const hasPathPrefix = (url: string, prefix: string): boolean =>
  url.slice(0, prefix.length).toLowerCase() === prefix;
