/**
 * The panel's only way to the server: the public REST API under /api/v1, through openapi-fetch over
 * the `paths` generated from the OpenAPI document, so every path, parameter, body and answer is
 * typed by the document. The session lives in an HttpOnly cookie set by the login endpoint;
 * changes send the CSRF cookie's value back as a header, which a cross-site page cannot read.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-schema';

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

const SAFE = new Set(['GET', 'HEAD']);
const LOGIN: keyof paths = '/api/v1/auth/login';

/** Called when the server says the session is gone (401), so the panel shows the login again. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

function csrfToken(): string | undefined {
  const match = /(?:^|;\s*)clientele_csrf=([^;]*)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1]) : undefined;
}

const session: Middleware = {
  onRequest({ request }) {
    const csrf = csrfToken();
    if (csrf && !SAFE.has(request.method)) request.headers.set('X-CSRF-Token', csrf);
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && schemaPath !== LOGIN) onUnauthenticated();
  },
  onError() {
    return new ApiError(
      0,
      { type: '/problems/network', title: 'Network error', status: 0, detail: '' },
      undefined,
    );
  },
};

export const api = createClient<paths>({
  headers: { Accept: 'application/json, application/problem+json' },
  credentials: 'same-origin',
  // no-store: the API's ETag is the object's version, which does not change when only its counts
  // do, so a revalidated cached copy (304) would show stale counts.
  cache: 'no-store',
});
api.use(session);

/** What openapi-fetch resolves to: the documented answer, or the documented problem. */
type Outcome = { data?: unknown; error?: Problem | string; response: Response };
/** The answer of an outcome's success branch, as the document types it (undefined for a 204). */
type AnswerOf<O> = O extends { data: infer Answer } ? Answer : never;

/**
 * The answer of a request, or an ApiError with the problem the server sent. A failure without a
 * problem body (a proxy's 502, an empty 404) still becomes an ApiError, worded from its status.
 */
export async function answerOf<O extends Outcome>(pending: Promise<O>): Promise<AnswerOf<O>> {
  const outcome = await pending;
  // openapi-fetch sets `error` exactly when the status is not 2xx; without it, `data` is the
  // success branch's answer, which TypeScript cannot see through the generic union.
  if (!('error' in outcome)) return outcome.data as AnswerOf<O>;
  const { response, error } = outcome;
  const retry = Number(response.headers.get('Retry-After'));
  throw new ApiError(
    response.status,
    // openapi-fetch hands over the text when the body is not JSON (a proxy's HTML page).
    typeof error === 'object' && error !== null
      ? error
      : {
          type: '/problems/unknown',
          title: response.statusText,
          status: response.status,
          detail: '',
        },
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}
