import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { BatchOutcome, OutgoingMessage, sendBatch } from './batch-send';
import { HttpDelivery, HttpDeliveryOptions, SendResult } from './http-delivery';
import type { SendRequest } from './sender-thread';

interface SendingThread {
  worker: Worker;
  pending: Map<number, { resolve: (outcome: BatchOutcome) => void; reject: (e: Error) => void }>;
}

/**
 * Where deliveries leave the process. With WEBHOOK_SENDER_THREADS > 0, batches are signed and sent
 * by a pool of threads (each with its own keep-alive connections), the least busy one first, so a
 * worker process uses more than one core for HTTP; with 0 they are sent on the main thread. Threads
 * start with the first delivery; one that dies fails its batches (BullMQ retries them) and is
 * replaced by the next delivery.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly logger = new Logger(WebhookSender.name);
  private readonly options: HttpDeliveryOptions;
  private readonly threads: SendingThread[] = [];
  private inProcess: HttpDelivery | null = null;
  private nextRequestId = 1;
  /** Batches handed out and not yet answered, on threads or here. */
  private inFlight = 0;
  private closing = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.options = {
      allowPrivateTargets: config.webhookAllowPrivateTargets,
      timeoutMs: config.webhookTimeoutMs,
    };
  }

  /** Sends each message as its own signed request (see sendBatch); never rejects for an endpoint's failure. */
  async sendBatch(
    url: string,
    secrets: string[],
    messages: OutgoingMessage[],
  ): Promise<BatchOutcome> {
    if (this.closing) throw new Error('webhook sender is shutting down');
    this.inFlight += 1;
    try {
      return await this.dispatch(url, secrets, messages);
    } finally {
      this.inFlight -= 1;
    }
  }

  private dispatch(
    url: string,
    secrets: string[],
    messages: OutgoingMessage[],
  ): Promise<BatchOutcome> {
    if (this.config.webhookSenderThreads === 0) {
      this.inProcess ??= new HttpDelivery(this.options);
      return sendBatch(this.inProcess, url, secrets, messages);
    }
    const thread = this.leastBusyThread();
    const id = this.nextRequestId++;
    return new Promise<BatchOutcome>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, url, secrets, messages } satisfies SendRequest);
    });
  }

  async send(url: string, secrets: string[], messageId: string, body: string): Promise<SendResult> {
    const outcome = await this.sendBatch(url, secrets, [
      { eventId: messageId, body, customerId: null },
    ]);
    return outcome.sent[0].result;
  }

  /** Lets batches in flight finish (they end within the delivery timeout), then stops the threads. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.config.webhookTimeoutMs + 1000;
    while (this.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
    this.inProcess?.close();
  }

  private leastBusyThread(): SendingThread {
    if (this.threads.length < this.config.webhookSenderThreads) {
      const thread = this.startThread();
      this.threads.push(thread);
      return thread;
    }
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private startThread(): SendingThread {
    // Compiled, the thread is a sibling .js file; run from TypeScript sources (tests, bench), ts-node compiles it.
    const compiled = __filename.endsWith('.js');
    const file = join(__dirname, compiled ? 'sender-thread.js' : 'sender-thread.ts');
    const worker = compiled
      ? new Worker(file, { workerData: this.options })
      : new Worker(
          `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`,
          { eval: true, workerData: this.options },
        );
    worker.unref();
    const thread: SendingThread = { worker, pending: new Map() };
    worker.on('message', (answer: { id: number; outcome?: BatchOutcome; error?: string }) => {
      const waiting = thread.pending.get(answer.id);
      thread.pending.delete(answer.id);
      if (answer.outcome) waiting?.resolve(answer.outcome);
      else waiting?.reject(new Error(`webhook sending failed: ${answer.error}`));
    });
    worker.on('error', (error) => this.logger.error(`webhook sending thread failed: ${error}`));
    worker.on('exit', () => {
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      for (const waiting of thread.pending.values())
        waiting.reject(new Error('webhook sending thread stopped'));
      thread.pending.clear();
    });
    return thread;
  }
}
