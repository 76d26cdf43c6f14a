import http from 'node:http';
import https from 'node:https';
import { MessageSigner } from './message-signer';
import { assertLiteralAllowed, guardedLookup, TargetRefused } from './target-address';

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  /** From the consumer's Retry-After header, if it sent one. */
  retryAfterMs: number | null;
}

/** How a process sends: the same for all its deliveries. */
export interface HttpDeliveryOptions {
  allowPrivateTargets: boolean;
  timeoutMs: number;
}

const MAX_RETRY_AFTER_MS = 86_400_000;
const MAX_SOCKETS_PER_HOST = 8;
const ERROR_BODY_CHARS = 200;

/**
 * Sends signed Standard Webhooks messages: POST with `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` (one `v1,...` entry per active secret, space-separated, so consumers can
 * rotate). Keep-alive agents reuse connections; the guarded lookup refuses internal addresses at
 * connection time.
 * `send` never throws: every outcome is a result to record.
 */
export class HttpDelivery {
  // Requests in flight to one host from one process. Each is a delivery a SIGKILL could leave
  // sent but unrecorded (to be sent again), so fewer is kinder to consumers; more processes send more.
  private readonly httpAgent = new http.Agent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS_PER_HOST,
  });
  private readonly httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS_PER_HOST,
  });
  private readonly lookup;
  /** Signers by secret: decoding a secret once, not per delivery. Bounded by the endpoints' secrets. */
  private readonly signers = new Map<string, MessageSigner>();
  /** Parsed and checked URLs by text: a batch sends many requests to one URL. Bounded like the signers. */
  private readonly targets = new Map<string, URL>();

  constructor(private readonly options: HttpDeliveryOptions) {
    this.lookup = guardedLookup(options.allowPrivateTargets);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  async send(url: string, secrets: string[], messageId: string, body: string): Promise<SendResult> {
    const started = Date.now();
    const timestamp = Math.floor(started / 1000);
    const signature =
      secrets.length === 1
        ? this.signer(secrets[0]).sign(messageId, timestamp, body)
        : secrets.map((secret) => this.signer(secret).sign(messageId, timestamp, body)).join(' ');
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'clientele-webhooks/1',
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
      'content-length': String(Buffer.byteLength(body)),
    };
    try {
      const response = await this.post(this.target(url), headers, body);
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

  /** The parsed URL, once its literal host was checked (names are checked by the guarded lookup at connection time). */
  private target(url: string): URL {
    let target = this.targets.get(url);
    if (!target) {
      target = new URL(url);
      assertLiteralAllowed(target, this.options.allowPrivateTargets);
      if (this.targets.size >= 10_000) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  private signer(secret: string): MessageSigner {
    let signer = this.signers.get(secret);
    if (!signer) {
      if (this.signers.size >= 10_000) this.signers.clear();
      signer = new MessageSigner(secret);
      this.signers.set(secret, signer);
    }
    return signer;
  }

  private post(
    target: URL,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ statusCode: number; retryAfter?: string; excerpt: string }> {
    const client = target.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(target, {
        method: 'POST',
        agent: target.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        lookup: this.lookup,
        headers,
      });
      // One deadline for connecting, sending and reading the whole answer, from when the request has
      // a connection: a batch may queue requests behind the agent's busy sockets to one host.
      let deadline: NodeJS.Timeout | undefined;
      request.once('socket', () => {
        deadline = setTimeout(() => request.destroy(new DeliveryTimeout()), this.options.timeoutMs);
      });
      request.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
      request.on('response', (response) => {
        let excerpt = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (excerpt.length < ERROR_BODY_CHARS)
            excerpt += chunk.slice(0, ERROR_BODY_CHARS - excerpt.length);
        });
        response.on('error', (error) => {
          clearTimeout(deadline);
          reject(error);
        });
        response.on('end', () => {
          clearTimeout(deadline);
          const retryAfter = response.headers['retry-after'];
          resolve({
            statusCode: response.statusCode ?? 0,
            retryAfter,
            excerpt: excerpt.replace(/\s+/g, ' ').trim(),
          });
        });
      });
      request.end(body);
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
