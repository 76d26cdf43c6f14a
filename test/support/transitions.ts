import { reasonsToNames } from '../../src/hosting/suspension-reason';
import { TestApp, bearer } from './app';
import { eventsAfter, lastEventId, OutboxRow } from './hosting';

type ObjectType = 'customer' | 'subscription' | 'domain';

interface ObjectState {
  type: ObjectType;
  id: number;
  customerId: number;
  status: string;
  reasons: string[];
}

/** Status and reasons of every customer, subscription and domain, keyed `type:id`; checks the invariants on the way. */
export async function statusSnapshot(test: TestApp): Promise<Map<string, ObjectState>> {
  const connection = test.em().getConnection();
  const [customers, subscriptions, domains] = await Promise.all([
    connection.execute<Array<{ id: number; status: string }>>('SELECT id, status FROM customer'),
    connection.execute<ReasonRow[]>(
      'SELECT id, customer_id, status, suspended_reasons FROM subscription',
    ),
    connection.execute<Array<ReasonRow & { subscription_id: number }>>(
      'SELECT id, subscription_id, customer_id, status, suspended_reasons FROM domain',
    ),
  ]);
  const states: ObjectState[] = [
    ...customers.map((c) => ({
      type: 'customer' as const,
      id: c.id,
      customerId: c.id,
      status: c.status,
      reasons: c.status === 'suspended' ? ['admin'] : [],
    })),
    ...subscriptions.map((s) => ({
      type: 'subscription' as const,
      id: s.id,
      customerId: s.customer_id,
      status: s.status,
      reasons: reasonsToNames(s.suspended_reasons),
    })),
    ...domains.map((d) => ({
      type: 'domain' as const,
      id: d.id,
      customerId: d.customer_id,
      status: d.status,
      reasons: reasonsToNames(d.suspended_reasons),
    })),
  ];
  assertInvariants(customers, subscriptions, domains);
  return new Map(states.map((state) => [`${state.type}:${state.id}`, state]));
}

interface ReasonRow {
  id: number;
  customer_id: number;
  status: string;
  suspended_reasons: number;
}

/**
 * What must hold after every change: status agrees with reasons; a subscription has `customer`
 * exactly while its customer is suspended; a domain has `subscription` exactly while its
 * subscription has any reason; subscriptions carry no `subscription` reason, domains no `customer`/`expired`.
 */
function assertInvariants(
  customers: Array<{ id: number; status: string }>,
  subscriptions: ReasonRow[],
  domains: Array<ReasonRow & { subscription_id?: number }>,
): void {
  const customerStatus = new Map(customers.map((c) => [c.id, c.status]));
  const subscriptionReasons = new Map(subscriptions.map((s) => [s.id, s.suspended_reasons]));
  const broken: string[] = [];
  for (const s of subscriptions) {
    if ((s.status === 'suspended') !== (s.suspended_reasons !== 0))
      broken.push(`subscription ${s.id}: status ${s.status} with reasons ${s.suspended_reasons}`);
    if ((customerStatus.get(s.customer_id) === 'suspended') !== ((s.suspended_reasons & 2) !== 0))
      broken.push(`subscription ${s.id}: customer reason disagrees with its customer`);
    if ((s.suspended_reasons & 4) !== 0)
      broken.push(`subscription ${s.id}: carries the subscription reason`);
  }
  for (const d of domains) {
    if ((d.status === 'suspended') !== (d.suspended_reasons !== 0))
      broken.push(`domain ${d.id}: status ${d.status} with reasons ${d.suspended_reasons}`);
    if (
      ((subscriptionReasons.get(d.subscription_id ?? 0) ?? 0) !== 0) !==
      ((d.suspended_reasons & 4) !== 0)
    )
      broken.push(`domain ${d.id}: subscription reason disagrees with its subscription`);
    if ((d.suspended_reasons & 10) !== 0)
      broken.push(`domain ${d.id}: carries a customer or expired reason`);
  }
  expect(broken).toEqual([]);
}

export interface CheckedStep {
  events: OutboxRow[];
  /** `type.suspended:id` / `type.activated:id` of every transition, sorted. */
  transitions: string[];
}

/**
 * Runs an action that changes statuses and checks every event row it wrote against the transitions
 * that actually happened: one status event per object whose status changed and none for any
 * other object, reasons before and after as stored, the object's view after the change (compared
 * with the API's GET for up to `compareViews` objects), the actor, and per-customer sequence
 * numbers that continue without gaps or duplicates.
 */
export async function checkedStep(
  test: TestApp,
  adminToken: string,
  action: () => Promise<unknown>,
  { actor = 'admin:1', compareViews = 20 }: { actor?: string; compareViews?: number } = {},
): Promise<CheckedStep> {
  const before = await statusSnapshot(test);
  const sequencesBefore = await customerSequences(test);
  const lastId = await lastEventId(test);
  await action();
  const after = await statusSnapshot(test);
  const events = await eventsAfter(test, lastId);

  const transitions = [...after.values()]
    .filter(
      (state) =>
        before.get(`${state.type}:${state.id}`)?.status !== state.status &&
        before.has(`${state.type}:${state.id}`),
    )
    .map(
      (state) =>
        `${state.type}.${state.status === 'active' ? 'activated' : 'suspended'}:${state.id}`,
    )
    .sort();
  const statusEvents = events.filter((event) => /\.(suspended|activated)$/.test(event.type));
  expect(statusEvents.map((event) => `${event.type}:${event.objectId}`).sort()).toEqual(
    transitions,
  );

  for (const event of statusEvents) {
    const key = `${event.objectType}:${event.objectId}`;
    const [previous, next] = [before.get(key), after.get(key)];
    expect(event.actor).toBe(actor);
    expect(event.customerId).toBe(next?.customerId);
    expect({ key, before: event.payload.reasonsBefore, after: event.payload.reasonsAfter }).toEqual(
      { key, before: previous?.reasons, after: next?.reasons },
    );
    const view = event.payload[event.objectType] as {
      id: number;
      status: string;
      suspendedReasons?: string[];
    };
    expect([key, view.id, view.status]).toEqual([key, event.objectId, next?.status]);
    if (event.objectType !== 'customer') expect(view.suspendedReasons).toEqual(next?.reasons);
  }
  for (const event of statusEvents.slice(0, compareViews)) {
    const current = await test
      .http()
      .get(`/api/v1/${event.objectType}s/${event.objectId}`)
      .set(bearer(adminToken))
      .expect(200);
    const view = event.payload[event.objectType] as Record<string, unknown>;
    // The newest event of an object describes it as it is now.
    if (
      statusEvents
        .filter(
          (other) => other.objectType === event.objectType && other.objectId === event.objectId,
        )
        .pop() === event
    ) {
      const { counts: _counts, ...current_ } = current.body as Record<string, unknown>;
      expect(view).toEqual(current_);
    }
  }

  const sequencesAfter = await customerSequences(test);
  const byCustomer = new Map<number, number[]>();
  for (const event of events) {
    if (event.customerId === null) continue;
    byCustomer.set(event.customerId, [
      ...(byCustomer.get(event.customerId) ?? []),
      event.sequence ?? -1,
    ]);
  }
  for (const [customerId, sequences] of byCustomer) {
    const first = (sequencesBefore.get(customerId) ?? 0) + 1;
    expect({ customerId, sequences }).toEqual({
      customerId,
      sequences: sequences.map((_, index) => first + index),
    });
    if (sequencesAfter.has(customerId))
      expect(sequencesAfter.get(customerId)).toBe(first + sequences.length - 1);
  }
  return { events, transitions };
}

async function customerSequences(test: TestApp): Promise<Map<number, number>> {
  const rows = await test
    .em()
    .getConnection()
    .execute<Array<{ id: number; event_sequence: number }>>(
      'SELECT id, event_sequence FROM customer',
    );
  return new Map(rows.map((row) => [row.id, Number(row.event_sequence)]));
}
