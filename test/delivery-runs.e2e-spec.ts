import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { postBulk, waitForJob } from './support/bulk-jobs';
import { eventually } from './support/eventually';
import { createCustomer } from './support/factories';
import { seedHosting } from './support/hosting';
import { ReceivedDelivery, WebhookReceiver } from './support/webhook-receiver';

const SUSPENSIONS = ['customer.suspended', 'subscription.suspended', 'domain.suspended'];
/** The customer, its subscription and 10 domains: one suspension writes 12 events. */
const CHAIN = 12;

const sequenceOf = (d: ReceivedDelivery) => Number(d.message.data.sequence);

/**
 * A customer's chain of events is claimed as one run and sent one event after another; a failure
 * in the run gives the rest back without counting an attempt, held behind the failed one.
 */
describe('delivery runs per customer', () => {
  let test: TestApp;
  let token: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      WEBHOOK_RETRY_SCHEDULE_MS: '300,600,900,1200',
      RELAY_SWEEP_INTERVAL_MS: '1000',
    });
    token = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await test.close();
    await receiver.close();
  });

  async function endpointFor(path: string): Promise<number> {
    const response = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(token))
      .send({ url: receiver.url(path), events: SUSPENSIONS })
      .expect(201);
    return Number((response.body as { id: number }).id);
  }

  async function chainedCustomer(): Promise<number> {
    const customer = await createCustomer(test, token);
    await seedHosting(test, customer.id, { subscriptions: 1, domainsPerSubscription: CHAIN - 2 });
    return customer.id;
  }

  async function suspendedChain(): Promise<number> {
    const customer = { id: await chainedCustomer() };
    await test
      .http()
      .post(`/api/v1/customers/${customer.id}/suspend`)
      .set(bearer(token))
      .expect(200);
    return customer.id;
  }

  it('claims a customer’s whole chain at once and sends it in sequence order', async () => {
    const endpointId = await endpointFor('/chain');
    const customerId = await suspendedChain();

    await receiver.waitFor(() => receiver.deliveries('/chain').length >= CHAIN);
    const sequences = receiver.deliveries('/chain').map(sequenceOf);
    expect(sequences).toHaveLength(CHAIN);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
    expect(new Set(sequences).size).toBe(CHAIN);
    // One claim leases its whole run in one statement: every delivery got the same first attempt time.
    const [row] = await test
      .em()
      .getConnection()
      .execute<Array<{ claims: number }>>(
        `SELECT COUNT(DISTINCT first_attempt_at) AS claims
           FROM event_delivery WHERE endpoint_id = ? AND customer_id = ?`,
        [endpointId, customerId],
      );
    expect(Number(row.claims)).toBe(1);
  });

  it('holds the rest of a run, unattempted, behind a failed delivery, then sends it in order', async () => {
    receiver.on('/held', (_d, nth) => ({ status: nth === 4 ? 503 : 204 }));
    const endpointId = await endpointFor('/held');
    const customerId = await suspendedChain();

    await receiver.waitFor(() => receiver.deliveries('/held').length >= CHAIN + 1);
    const received = receiver.deliveries('/held');
    expect(received).toHaveLength(CHAIN + 1);
    // The 4th was refused and came again before anything later of the customer.
    expect(received[4].headers['webhook-id']).toBe(received[3].headers['webhook-id']);
    const accepted = received.filter((_d, index) => index !== 3).map(sequenceOf);
    expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
    expect(new Set(accepted).size).toBe(CHAIN);

    const attemptsPerDelivery = async () => {
      const rows = await test
        .em()
        .getConnection()
        .execute<Array<{ attempts: number; logged: number }>>(
          `SELECT d.attempts, (SELECT COUNT(*) FROM delivery_attempt a
                                WHERE a.endpoint_id = d.endpoint_id AND a.event_id = d.event_id) AS logged
             FROM event_delivery d WHERE d.endpoint_id = ? AND d.customer_id = ? ORDER BY d.event_id`,
          [endpointId, customerId],
        );
      return JSON.stringify(rows.map((a) => [Number(a.attempts), Number(a.logged)]));
    };
    // Only the refused one counts two attempts; those given back unsent count none of their own.
    const expected = JSON.stringify(
      Array.from({ length: CHAIN }, (_, index) => (index === 3 ? [2, 2] : [1, 1])),
    );
    expect(await eventually(attemptsPerDelivery, expected)).toBe(expected);
  });

  it('keeps a refused delivery leased until its retry is written, in a round longer than the lease', async () => {
    // Two customers' chains in one claim: the first delivery to arrive is refused at once (its
    // chain is held behind it), the other chain is answered slowly, so the round lasts about
    // 8 s, past the 6 s lease. Let go when its attempt was recorded, the refused one would fall
    // due mid-round and another lane would send it before the round wrote its retry time.
    const slowMs = 700;
    let refused: { id: string; customerId: unknown } | undefined;
    receiver.on('/long', (delivery) => {
      const id = delivery.headers['webhook-id'];
      refused ??= { id, customerId: delivery.message.data.customerId };
      if (
        id === refused.id &&
        receiver.deliveries('/long').filter((d) => d.headers['webhook-id'] === id).length === 1
      )
        return { status: 503 };
      return delivery.message.data.customerId === refused.customerId
        ? { status: 204 }
        : { status: 204, delayMs: slowMs };
    });
    const endpointId = await endpointFor('/long');
    const ids = [await chainedCustomer(), await chainedCustomer()];
    await waitForJob(test, token, await postBulk(test, token, 'suspend', ids));

    await receiver.waitFor(() => receiver.deliveries('/long').length >= 2 * CHAIN + 1, 60_000);
    const received = receiver.deliveries('/long');
    const [row] = await test
      .em()
      .getConnection()
      .execute<Array<{ claims: number }>>(
        `SELECT COUNT(DISTINCT first_attempt_at) AS claims FROM event_delivery WHERE endpoint_id = ?`,
        [endpointId],
      );
    expect(Number(row.claims)).toBe(1);
    const slowChain = received.filter((d) => d.message.data.customerId !== refused?.customerId);
    expect(slowChain).toHaveLength(CHAIN);
    expect(slowChain[CHAIN - 1].receivedAt - slowChain[0].receivedAt).toBeGreaterThan(6_000);
    // Sent twice in all, and the second time after the round ended (after the slow chain's last).
    const again = received.filter((d) => d.headers['webhook-id'] === refused?.id);
    expect(again).toHaveLength(2);
    expect(received.indexOf(again[1])).toBeGreaterThan(received.indexOf(slowChain[CHAIN - 1]));
    expect(received).toHaveLength(2 * CHAIN + 1);
  }, 90_000);
});
