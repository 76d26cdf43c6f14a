import { Agent, Dispatcher } from 'undici';
import { createHmac } from 'node:crypto';
import { assertLiteralAllowed, guardedLookup, TargetRefused } from './target-address';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** From the consumer's Retry-After header, if it sent one. */
  retryAfterMs: number | null;
}

interface HttpDeliveryOptions {
  allowPrivateTargets: boolean;
  timeoutMs: number;
}

const MAX_RETRY_AFTER_MS = 86_400_000;
/** Each request in flight is one a SIGKILL could leave sent but unrecorded: few per process. */
const MAX_SOCKETS_PER_HOST = 8;
const ERROR_BODY_CHARS = 200;

/** A URL parsed and checked once; userinfo becomes Basic credentials, as Node's client sends them. */
interface Target {
  origin: string;
  path: string;
  authorization: string | null;
}

/**
 * Sends signed Standard Webhooks messages (one `v1,...` signature per active secret, so consumers
 * can rotate) over undici's keep-alive pools, about half the CPU per request of `node:http`. The
 * guarded lookup refuses internal addresses at connection time. `send` never throws.
 */
export class HttpDelivery {
  private readonly dispatcher: Agent;
  private readonly targets = new Map<string, Target>();

  constructor(private readonly options: HttpDeliveryOptions) {
    this.dispatcher = new Agent({
      connections: MAX_SOCKETS_PER_HOST,
      pipelining: 1,
      connect: { lookup: guardedLookup(options.allowPrivateTargets), timeout: options.timeoutMs },
      // The deadline in `post` ends every request sooner; these only bound what it does not see.
      headersTimeout: options.timeoutMs + 1000,
      bodyTimeout: options.timeoutMs + 1000,
    });
  }

  close(): void {
    void this.dispatcher.destroy().catch(() => undefined);
  }

  async send(url: string, secrets: string[], messageId: string, body: string): Promise<SendResult> {
    const started = Date.now();
    const timestamp = Math.floor(started / 1000);
    const signature = secrets
      .map((secret) => signMessage(secret, messageId, timestamp, body))
      .join(' ');
    try {
      const target = this.target(url);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'clientele-webhooks/1',
        'webhook-id': messageId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      };
      if (target.authorization) headers.authorization = target.authorization;
      const response = await this.post(target, headers, body);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return {
        ok,
        statusCode: response.statusCode,
        durationMs: Date.now() - started,
        error: ok
          ? null
          : `HTTP ${response.statusCode}${response.excerpt ? `: ${response.excerpt}` : ''}`,
        retryAfterMs: ok ? null : parseRetryAfter(response.retryAfter),
      };
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        durationMs: Date.now() - started,
        error: describe(error, this.options.timeoutMs),
        retryAfterMs: null,
      };
    }
  }

  /** Literal hosts are checked here, names by the guarded lookup. */
  private target(url: string): Target {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      assertLiteralAllowed(parsed, this.options.allowPrivateTargets);
      const credentials =
        parsed.username || parsed.password
          ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`
          : null;
      target = {
        origin: parsed.origin,
        path: `${parsed.pathname}${parsed.search}`,
        authorization: credentials && `Basic ${Buffer.from(credentials).toString('base64')}`,
      };
      if (this.targets.size >= 10_000) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  /**
   * One deadline for the whole exchange, from when the request gets a connection: waiting in the
   * pool's queue is not the consumer's slowness.
   */
  private post(
    target: Target,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ statusCode: number; retryAfter?: string; excerpt: string }> {
    const timeoutMs = this.options.timeoutMs;
    return new Promise((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      let statusCode = 0;
      let retryAfter: string | undefined;
      let excerpt = '';
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(controller) {
          deadline ??= setTimeout(() => controller.abort(new DeliveryTimeout()), timeoutMs);
        },
        onResponseStart(_controller, status, responseHeaders) {
          statusCode = status;
          const value = responseHeaders['retry-after'];
          retryAfter = Array.isArray(value) ? value[0] : value;
        },
        onResponseData(_controller, chunk) {
          if (excerpt.length < ERROR_BODY_CHARS)
            excerpt += chunk.toString('utf8', 0, ERROR_BODY_CHARS - excerpt.length);
        },
        onResponseEnd() {
          clearTimeout(deadline);
          resolve({ statusCode, retryAfter, excerpt: excerpt.replace(/\s+/g, ' ').trim() });
        },
        onResponseError(_controller, error) {
          clearTimeout(deadline);
          reject(error);
        },
      };
      this.dispatcher.dispatch(
        { origin: target.origin, path: target.path, method: 'POST', headers, body },
        handler,
      );
    });
  }
}

class DeliveryTimeout extends Error {}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof DeliveryTimeout) return `timed out after ${timeoutMs} ms`;
  if (error instanceof TargetRefused) return `refused: ${error.message}`;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 500);
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : null;
}

/** A Standard Webhooks `v1` signature (the tests verify each with the `standardwebhooks` package). */
export function signMessage(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}
