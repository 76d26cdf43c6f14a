import {
  BatchedEvent,
  endpointWants,
  RoutableEndpoint,
  RoutableEvent,
} from './webhook-delivery.queue';

export interface RelayableEvent extends RoutableEvent {
  id: string;
  customerId: number | null;
}

export interface DeliveryBatch {
  endpointId: number;
  events: BatchedEvent[];
}

/**
 * Splits the events of one relay pass into per-endpoint batches of at most `size` events. A
 * customer's events stay together in one batch (unless a customer alone has more than `size`), so
 * the batch can send them in order; events are taken in id order otherwise.
 */
export function planDeliveryBatches<E extends RelayableEvent>(
  events: E[],
  endpoints: RoutableEndpoint[],
  size: number,
  bodyOf: (event: E) => string,
): DeliveryBatch[] {
  const bodies = new Map<string, string>();
  const body = (event: E) => {
    let text = bodies.get(event.id);
    if (text === undefined) {
      text = bodyOf(event);
      bodies.set(event.id, text);
    }
    return text;
  };
  const batches: DeliveryBatch[] = [];
  for (const endpoint of endpoints) {
    const byCustomer = new Map<string, BatchedEvent[]>();
    for (const event of events) {
      if (!endpointWants(endpoint, event)) continue;
      const key = event.customerId === null ? `event-${event.id}` : `customer-${event.customerId}`;
      const group = byCustomer.get(key) ?? [];
      group.push({
        eventId: event.id,
        type: event.type,
        body: body(event),
        customerId: event.customerId,
      });
      byCustomer.set(key, group);
    }
    let current: BatchedEvent[] = [];
    for (const group of byCustomer.values()) {
      if (current.length > 0 && current.length + group.length > size) {
        batches.push({ endpointId: endpoint.id, events: current });
        current = [];
      }
      for (let start = 0; start < group.length; start += size) {
        const part = group.slice(start, start + size);
        if (part.length === size) batches.push({ endpointId: endpoint.id, events: part });
        else current.push(...part);
      }
    }
    if (current.length > 0) batches.push({ endpointId: endpoint.id, events: current });
  }
  return batches;
}
