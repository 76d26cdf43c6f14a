/**
 * The panel's only way to the server: the public REST API under /api/v1. The session lives in
 * an HttpOnly cookie set by the login endpoint; changes send the CSRF cookie's value back as a
 * header, which a cross-site page cannot read.
 */
import type { components } from './api-schema';

/** One item of a problem's `errors`: `code` is stable, `message` is the API's English wording. */
export type FieldError = components['schemas']['FieldErrorView'];

/** RFC 9457 problem details, as the OpenAPI document describes them. */
export type Problem = components['schemas']['ProblemDetailsView'];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter: number | undefined,
  ) {
    super(problem.detail || problem.title);
  }

  /** Field errors keyed by field name (the first error of each field). */
  fieldErrors(): Record<string, FieldError> {
    const byField: Record<string, FieldError> = {};
    for (const error of this.problem.errors ?? []) byField[error.field] ??= error;
    return byField;
  }

  get slug(): string {
    return this.problem.type.replace(/^.*\/problems\//, '');
  }
}

const BASE = '/api/v1';
const SAFE = new Set(['GET', 'HEAD']);

/** Called when the server says the session is gone (401), so the panel shows the login again. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)clientele_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : undefined;
}

export interface ApiResponse<T> {
  body: T;
  headers: Headers;
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const sent: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    ...headers,
  };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  if (!SAFE.has(method)) {
    const csrf = csrfToken();
    if (csrf) sent['X-CSRF-Token'] = csrf;
  }
  let response: Response;
  try {
    // no-store: the API's ETag is the object's version, which does not change when only its counts
    // do, so a revalidated cached copy (304) would show stale counts.
    response = await fetch(BASE + path, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(
      0,
      { type: '/problems/network', title: 'Network error', status: 0, detail: '' },
      undefined,
    );
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const problem: Problem =
      parsed && typeof parsed === 'object' && 'status' in parsed
        ? (parsed as Problem)
        : {
            type: '/problems/unknown',
            title: response.statusText,
            status: response.status,
            detail: '',
          };
    const retry = Number(response.headers.get('Retry-After'));
    if (response.status === 401 && path !== '/auth/login') onUnauthenticated();
    throw new ApiError(
      response.status,
      problem,
      Number.isFinite(retry) && retry > 0 ? retry : undefined,
    );
  }
  return { body: parsed as T, headers: response.headers };
}

export const api = {
  get: async <T>(path: string) => (await request<T>('GET', path)).body,
  post: async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
    (await request<T>('POST', path, body ?? {}, headers)).body,
  patch: async <T>(path: string, body: unknown, headers?: Record<string, string>) =>
    (await request<T>('PATCH', path, body, headers)).body,
  delete: async (path: string) => {
    await request<void>('DELETE', path);
  },
};

/** Builds a query string, leaving out empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
