import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { createCustomer } from './support/factories';

const DAY = 86_400_000;

describe('GET /customers?suspendedBefore=', () => {
  let test: TestApp;
  let admin: string;
  /** Customer id -> when it was suspended (set in the database, so the days are exact). */
  const suspendedAt = new Map<number, Date>();
  let activeId: number;
  const now = Date.now();

  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
    // Ten suspended customers, 10..100 days ago; two of them at the same moment (a tie on time).
    const days = [100, 95, 91, 90, 90, 60, 30, 10, 5, 1];
    for (const ago of days) {
      const customer = await createCustomer(test, admin);
      await test
        .http()
        .post(`/api/v1/customers/${customer.id}/suspend`)
        .set(bearer(admin))
        .send({ reason: `${ago} days` })
        .expect(200);
      const at = new Date(now - ago * DAY);
      at.setUTCMilliseconds(0);
      await test
        .em()
        .getConnection()
        .execute('UPDATE customer SET suspended_at = ? WHERE id = ?', [at, customer.id]);
      suspendedAt.set(customer.id, at);
    }
    activeId = (await createCustomer(test, admin)).id;
  });
  afterAll(() => test?.close());

  const list = (query: string) => test.http().get(`/api/v1/customers?${query}`).set(bearer(admin));

  /** Every page of a listing, following nextCursor. */
  async function allPages(query: string): Promise<Array<Array<{ id: number }>>> {
    const pages: Array<Array<{ id: number }>> = [];
    let cursor: string | null = null;
    do {
      const response = await list(
        `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      ).expect(200);
      pages.push(response.body.items);
      cursor = response.body.nextCursor as string | null;
    } while (cursor !== null && pages.length < 20);
    return pages;
  }

  /** What the listing must return: suspended before `before`, most recently suspended first, ties by id descending. */
  const expected = (before: Date) =>
    [...suspendedAt]
      .filter(([, at]) => at < before)
      .sort(([idA, a], [idB, b]) => b.getTime() - a.getTime() || idB - idA)
      .map(([id]) => id);

  it('lists customers suspended before the time, most recently suspended first, across cursor pages', async () => {
    const before = new Date(now - 89 * DAY).toISOString();
    const pages = await allPages(`status=suspended&suspendedBefore=${before}&limit=2`);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const ids = pages.flat().map((item) => item.id);
    expect(ids).toEqual(expected(new Date(before)));
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('pages through a tie on the suspension time by id, one per page', async () => {
    const before = new Date(now - 89 * DAY).toISOString();
    const pages = await allPages(`suspendedBefore=${before}&limit=1`);
    expect(pages.flat().map((item) => item.id)).toEqual(expected(new Date(before)));
  });

  it('shows the suspension of each listed customer', async () => {
    const before = new Date(now - 50 * DAY).toISOString();
    const response = await list(`status=suspended&suspendedBefore=${before}`).expect(200);
    for (const item of response.body.items) {
      expect(item.suspension).toEqual({
        reason: expect.stringMatching(/ days$/),
        suspendedAt: suspendedAt.get(item.id)?.toISOString(),
        suspendedBy: 'admin:1',
      });
    }
    expect(response.body.items).toHaveLength(6);
    expect(response.body.nextCursor).toBeNull();
  });

  it('combines with q, never lists active customers, and is empty with status=active', async () => {
    const [newest] = expected(new Date(now));
    const username = (await list(`status=suspended&limit=200`).expect(200)).body.items.find(
      (item: { id: number }) => item.id === newest,
    ).username as string;
    const match = await list(`suspendedBefore=${new Date(now).toISOString()}&q=${username}`);
    expect(match.body.items.map((item: { id: number }) => item.id)).toEqual([newest]);

    const everyone = await allPages(`suspendedBefore=${new Date(now + DAY).toISOString()}`);
    expect(everyone.flat().map((item) => item.id)).not.toContain(activeId);
    expect(everyone.flat()).toHaveLength(10);
    const active = await list(`status=active&suspendedBefore=${new Date(now).toISOString()}`);
    expect(active.body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a time that is not ISO 8601, and a cursor of another listing, with 400', async () => {
    for (const value of ['yesterday', '2026-13-01', '1700000000']) {
      const answer = await list(`suspendedBefore=${value}`).expect(400);
      expect(answer.body.errors[0].field).toBe('suspendedBefore');
    }
    const plain = await list('limit=1').expect(200);
    const mixed = await list(
      `suspendedBefore=${new Date(now).toISOString()}&cursor=${plain.body.nextCursor}`,
    ).expect(400);
    expect(mixed.body.errors[0].field).toBe('cursor');
  });

  it('is served by the suspended_at index', async () => {
    const plan = await test
      .em()
      .getConnection()
      .execute<Array<{ possible_keys: string | null }>>(
        "EXPLAIN SELECT id FROM customer WHERE status = 'suspended' AND suspended_at < NOW() ORDER BY suspended_at DESC, id DESC LIMIT 51",
      );
    expect(plan[0].possible_keys ?? '').toContain('customer_suspended_at_idx');
  });
});
