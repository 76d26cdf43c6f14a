import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { BatchOutcome, OutgoingMessage, SentMessage, sendBatch } from './batch-send';
import { HttpDelivery } from './http-delivery';

/**
 * Where deliveries leave the process: signs and sends on the main thread, with keep-alive
 * connections shared by all deliveries of the process. To send more, run more worker processes
 * (a pool of sending threads was measured slower than none on a busy machine).
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly delivery: HttpDelivery;
  /** Batches handed out and not yet answered. */
  private inFlight = 0;
  private closing = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.delivery = new HttpDelivery({
      allowPrivateTargets: config.webhookAllowPrivateTargets,
      timeoutMs: config.webhookTimeoutMs,
    });
  }

  /** Sends each message as its own signed request (see sendBatch); never rejects for an endpoint's failure. */
  async sendBatch(
    url: string,
    secrets: string[],
    messages: OutgoingMessage[],
    onSent?: (sent: SentMessage) => void,
  ): Promise<BatchOutcome> {
    if (this.closing) throw new Error('webhook sender is shutting down');
    this.inFlight += 1;
    try {
      return await sendBatch(this.delivery, url, secrets, messages, onSent);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Lets batches in flight finish (they end within the delivery timeout), then closes the connections. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.config.webhookTimeoutMs + 1000;
    while (this.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    this.delivery.close();
  }
}
