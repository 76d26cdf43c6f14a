import http from 'node:http';
import { AddressInfo } from 'node:net';
import { startTestApp, TestApp } from './app';
import { killAllWorkers } from './worker-process';

export interface ReceivedDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
  message: { type: string; timestamp: string; data: Record<string, unknown> };
  receivedAt: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Answer only after this long (longer than the delivery timeout = a hanging consumer). */
  delayMs?: number;
}

type Behaviour = (delivery: ReceivedDelivery, nth: number) => Reply;

/**
 * A real webhook consumer on 127.0.0.1: records every request (raw body and headers, for
 * signature checks with `standardwebhooks`) and answers per path as a test tells it to (200 by default).
 */
export class WebhookReceiver {
  private readonly received: ReceivedDelivery[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => receiver.handle(request, response));
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** How `path` answers from now on. */
  on(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  deliveries(path?: string): ReceivedDelivery[] {
    return this.received.filter((d) => path === undefined || d.path === path);
  }

  /** Resolves once `done` holds for what has arrived; fails after `timeoutMs`. */
  async waitFor(
    done: (received: ReceivedDelivery[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<ReceivedDelivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `webhook receiver: condition not met within ${timeoutMs} ms; got ${this.received.length} deliveries: ${this.received.map((d) => `${d.path} ${d.message.type}#${d.headers['webhook-id']}`).join(', ')}`,
        );
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, 200));
        this.waiters.add(wake);
      });
    }
    return this.received;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = (request.url ?? '/').split('?')[0];
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(', ') : (v ?? ''),
        ]),
      );
      let message: ReceivedDelivery['message'];
      try {
        message = JSON.parse(body) as ReceivedDelivery['message'];
      } catch {
        message = { type: '(not JSON)', timestamp: '', data: {} };
      }
      const delivery: ReceivedDelivery = { path, headers, body, message, receivedAt: Date.now() };
      this.received.push(delivery);
      const nth = this.received.filter((d) => d.path === path).length;
      const reply: Reply = (this.behaviours.get(path) ?? (() => ({ status: 200 })))(delivery, nth);
      const answer = () => {
        if (response.destroyed) return;
        response.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        response.end(reply.status >= 300 ? `status ${reply.status}` : 'ok');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs).unref();
      else answer();
      for (const wake of [...this.waiters]) wake();
    });
  }
}

/**
 * The setup the delivery fault specs share: an API-only app (deliveries happen in worker processes
 * the test starts and kills) and a consumer, started inside the test with the app's settings, and
 * gone with the workers after the file's tests.
 */
export function apiAndConsumer(): {
  start(env?: Record<string, string>): Promise<{ app: TestApp; receiver: WebhookReceiver }>;
} {
  let app: TestApp | undefined;
  let receiver: WebhookReceiver | undefined;
  afterAll(async () => {
    await killAllWorkers();
    await app?.close();
    await receiver?.close();
  });
  return {
    async start(env = {}) {
      app = await startTestApp({ PROCESS_ROLE: 'api', ...env });
      receiver = await WebhookReceiver.start();
      return { app, receiver };
    },
  };
}
