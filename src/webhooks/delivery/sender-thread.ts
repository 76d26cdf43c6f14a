import { parentPort, workerData } from 'node:worker_threads';
import { OutgoingMessage, sendBatch } from './batch-send';
import { HttpDelivery, HttpDeliveryOptions } from './http-delivery';

/** A batch for a sending thread; the answer carries the same `id`. */
export interface SendRequest {
  id: number;
  url: string;
  secrets: string[];
  messages: OutgoingMessage[];
}

/**
 * A sending thread (WebhookSender's pool): signs and sends the batches the main thread hands it,
 * so HTTP and signing run on another core while the main thread relays, queues and records.
 */
if (parentPort) {
  const port = parentPort;
  const delivery = new HttpDelivery(workerData as HttpDeliveryOptions);
  port.on('message', (request: SendRequest) => {
    sendBatch(delivery, request.url, request.secrets, request.messages).then(
      (outcome) => port.postMessage({ id: request.id, outcome }),
      (error: unknown) =>
        port.postMessage({
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  port.on('close', () => delivery.close());
}
