import type { HttpDelivery, SendResult } from './http-delivery';

/** One event of a batch as the sender needs it. */
export interface OutgoingMessage {
  eventId: string;
  body: string;
  customerId: number | null;
}

export interface SentMessage {
  eventId: string;
  /** Epoch ms when the attempt began. */
  startedAt: number;
  result: SendResult;
}

/** What happened to a batch: every attempt made, and what was held back. */
export interface BatchOutcome {
  sent: SentMessage[];
  /** Not attempted because the endpoint stopped answering (or asked to slow down): retry later. */
  unsent: string[];
  /** Retry-After of the answer that held the rest back, if it had one. */
  holdBackRetryAfterMs: number | null;
  /** The endpoint answered 410 Gone: nothing more was sent, and nothing is to be retried. */
  gone: boolean;
}

/** Requests of one batch in flight at once (customers' event chains, each sent in order). */
const CHAINS_AT_ONCE = 16;

/**
 * Sends a batch to one endpoint: one request per message, concurrently across customers and in
 * order within one. 410 Gone stops the batch. Once the endpoint gives no answer (timeout,
 * connection error) or answers 429, the rest is held back, so a dead endpoint costs one round of
 * timeouts per batch, not one per event. `onSent` hears of each answer as it comes, so the caller
 * can record a success at once.
 */
export async function sendBatch(
  delivery: HttpDelivery,
  url: string,
  secrets: string[],
  messages: OutgoingMessage[],
  onSent: (sent: SentMessage) => void = () => undefined,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { sent: [], unsent: [], holdBackRetryAfterMs: null, gone: false };
  let holdBack = false;
  await inParallel(chainsByCustomer(messages), CHAINS_AT_ONCE, async (chain) => {
    for (const message of chain) {
      if (outcome.gone) return;
      if (holdBack) {
        outcome.unsent.push(message.eventId);
        continue;
      }
      const startedAt = Date.now();
      const result = await delivery.send(url, secrets, message.eventId, message.body);
      const sent = { eventId: message.eventId, startedAt, result };
      outcome.sent.push(sent);
      onSent(sent);
      if (result.statusCode === 410) outcome.gone = true;
      else if (!holdBack && (result.statusCode === null || result.statusCode === 429)) {
        holdBack = true;
        outcome.holdBackRetryAfterMs = result.retryAfterMs;
      }
    }
  });
  return outcome;
}

/** A customer's messages, in the order given; messages of no customer alone. */
function chainsByCustomer(messages: OutgoingMessage[]): OutgoingMessage[][] {
  const chains = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    const key =
      message.customerId === null ? `event-${message.eventId}` : `customer-${message.customerId}`;
    const chain = chains.get(key);
    if (chain) chain.push(message);
    else chains.set(key, [message]);
  }
  return [...chains.values()];
}

async function inParallel<T>(
  items: T[],
  limit: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
