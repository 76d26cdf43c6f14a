import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { expectEveryAnswerDocumented } from './support/openapi-contract';
import { createCustomer } from './support/factories';

describe('customer search (q) through the trigram index', () => {
  let test: TestApp;
  let admin: Record<string, string>;
  let adminToken: string;
  /** A tag unique to this run, so terms only find this file's customers. */
  const tag = `t${Date.now().toString(36)}`;

  beforeAll(async () => {
    test = await startTestApp();
    adminToken = await loginAdmin(test);
    admin = bearer(adminToken);
  });
  expectEveryAnswerDocumented(() => test);
  afterAll(() => test.close());

  const ids = async (query: Record<string, string | number>): Promise<number[]> =>
    (await test.http().get('/api/v1/customers').query(query).set(admin).expect(200)).body.items.map(
      (c: { id: number }) => c.id,
    );

  /** What `LIKE '%q%'` over the four columns finds: the search as it was before the index. */
  const likeIds = async (q: string): Promise<number[]> => {
    const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await test
      .em()
      .getConnection()
      .execute<Array<{ id: number }>>(
        'SELECT id FROM customer WHERE username LIKE ? OR name LIKE ? OR company LIKE ? OR email LIKE ? ORDER BY id DESC',
        [like, like, like, like],
      );
    return rows.map((row) => row.id);
  };

  const trigramsOf = async (customerId: number): Promise<string[]> =>
    (
      await test
        .em()
        .getConnection()
        .execute<Array<{ trigram: string }>>(
          'SELECT trigram FROM customer_search_trigram WHERE customer_id = ? ORDER BY trigram',
          [customerId],
        )
    ).map((row) => row.trigram);

  it('finds a customer by an inner substring of each of username, name, company and email', async () => {
    const customer = await createCustomer(test, adminToken, {
      username: `${tag}usrkiwano`,
      name: `Pomelo ${tag} Quandong`,
      company: `Rambutan ${tag} Holdings`,
      email: `salak.${tag}@durian-example.net`,
    });
    expect(await ids({ q: 'srkiwan' })).toEqual([customer.id]);
    expect(await ids({ q: `lo ${tag} Quand` })).toEqual([customer.id]);
    expect(await ids({ q: 'butan' })).toEqual([customer.id]);
    expect(await ids({ q: 'durian-exa' })).toEqual([customer.id]);
    expect(await ids({ q: 'DURIAN-EXAMPLE.NET' })).toEqual([customer.id]);
    // Longer than the trigrams looked up (6): the rest is LIKE's to check.
    expect(await ids({ q: `salak.${tag}@durian-example.net` })).toEqual([customer.id]);
    expect(await ids({ q: `salak.${tag}@durian-example.nex` })).toEqual([]);
  });

  it('finds Unicode names as LIKE did: case- and accent-insensitively, Nordic letters and CJK included', async () => {
    const mueller = await createCustomer(test, adminToken, { name: `Jörg Müller ${tag}` });
    const oster = await createCustomer(test, adminToken, { name: `Øster Åsa ${tag}` });
    const wang = await createCustomer(test, adminToken, {
      name: `王小明 ${tag}`,
      company: '株式会社テスト',
    });
    expect(await ids({ q: 'Müller' })).toEqual([mueller.id]);
    expect(await ids({ q: 'MÜLL' })).toEqual([mueller.id]);
    expect(await ids({ q: 'muller' })).toEqual(await likeIds('muller'));
    expect(await ids({ q: 'Øster' })).toEqual([oster.id]);
    expect(await ids({ q: 'øSTER åsa' })).toEqual([oster.id]);
    expect(await ids({ q: '王小明' })).toEqual([wang.id]);
    expect(await ids({ q: '会社テ' })).toEqual([wang.id]);
    // Two characters have no trigram: the search falls back to LIKE and still finds them.
    expect(await ids({ q: '小明' })).toEqual([wang.id]);
    for (const q of ['muller', 'MUELLER', 'jorg', 'oster', 'aster', 'asa', `ller ${tag}`, '株式'])
      expect(await ids({ q, limit: 200 })).toEqual(await likeIds(q));
  });

  it('answers an empty page for a term no customer contains', async () => {
    await createCustomer(test, adminToken, { name: `Nomatch Neighbour ${tag}` });
    expect(await ids({ q: `zq${tag}xv` })).toEqual([]);
    expect(await ids({ q: 'qqqzzzxxx' })).toEqual([]);
    // Trigrams of "müllmull" ("mül", "lmu", "ull") all belong to the same customer, but not the term.
    expect(await ids({ q: 'müllmull' })).toEqual([]);
  });

  it('pages through the matches with cursors, giving exactly the matches of one big page', async () => {
    const company = `Pagingtrigram ${tag}`;
    for (let i = 0; i < 7; i++)
      await createCustomer(test, adminToken, { company: i % 2 ? company : `${company} GmbH` });
    const whole = await ids({ q: 'ingtrigram', limit: 200 });
    expect(whole).toHaveLength(7);
    for (const status of [undefined, 'active']) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ id: number }>; nextCursor: string | null } } =
          await test
            .http()
            .get('/api/v1/customers')
            .query({
              q: 'ingtrigram',
              limit: 2,
              ...(status ? { status } : {}),
              ...(cursor ? { cursor } : {}),
            })
            .set(admin)
            .expect(200);
        seen.push(...page.body.items.map((c) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(whole);
    }
  });

  it('keeps the trigram rows in step with edits by administrators and by the customer, and drops them with the customer', async () => {
    const customer = await createCustomer(test, adminToken, { name: `Quokkafield ${tag}` });
    expect(await trigramsOf(customer.id)).toEqual(expect.arrayContaining(['quo', 'okk']));
    expect(await ids({ q: 'quokkaf' })).toEqual([customer.id]);

    await test
      .http()
      .patch(`/api/v1/customers/${customer.id}`)
      .set(admin)
      .send({ name: `Wombatfield ${tag}` })
      .expect(200);
    const afterEdit = await trigramsOf(customer.id);
    expect(afterEdit).toEqual(expect.arrayContaining(['wom', 'mba']));
    expect(afterEdit).not.toContain('quo');
    expect(await ids({ q: 'quokkaf' })).toEqual([]);
    expect(await ids({ q: 'wombatf' })).toEqual([customer.id]);

    const token = await login(test, customer.username, customer.password);
    await test
      .http()
      .patch('/api/v1/account')
      .set(bearer(token))
      .send({ company: 'Numbat Works' })
      .expect(200);
    expect(await ids({ q: 'numbat w' })).toEqual([customer.id]);

    await test.http().delete(`/api/v1/customers/${customer.id}`).set(admin).expect(204);
    expect(await trigramsOf(customer.id)).toEqual([]);
  });
});
