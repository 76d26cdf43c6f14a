import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { eventsAfter, lastEventId } from './support/hosting';
import {
  customerGenInfo,
  elements,
  errorResult,
  packet,
  resultsOf,
  sendPacket,
  textAt,
} from './support/plesk-xml';
import { WebhookReceiver } from './support/webhook-receiver';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TODAY = () => new Date().toISOString().slice(0, 10);
const any = () => expect.any(String) as unknown as string;

/** agent.php driven the way WHMCS, Blesta and FOSSBilling (api-php-lib) drive it. */
describe('Plesk XML API (agent.php)', () => {
  let test: TestApp;
  let admin: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await startTestApp({
      PROCESS_ROLE: 'all',
      WEBHOOK_TIMEOUT_MS: '1500',
      WEBHOOK_RETRY_SCHEDULE_MS: '300,600,900',
      RELAY_SWEEP_INTERVAL_MS: '1000',
    });
    admin = await loginAdmin(test);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await test?.close();
    await receiver?.close();
  });

  const send = (operators: string, version?: string) =>
    sendPacket(test, packet(operators, version));
  const v1 = async (path: string) =>
    (await test.http().get(`/api/v1${path}`).set(bearer(admin)).expect(200)).body as Record<
      string,
      unknown
    >;
  const addCustomer = async (fields: Record<string, string> = customerGenInfo()) => {
    const answer = await send(
      `<customer><add><gen_info>${elements(fields)}</gen_info></add></customer>`,
    );
    const [result] = resultsOf(answer, 'customer', 'add');
    expect(textAt(result, 'status')).toBe('ok');
    return { id: Number(textAt(result, 'id')), guid: textAt(result, 'guid')!, fields };
  };
  let domains = 0;
  const addWebspace = async (ownerLogin: string, plan = 'Basic') => {
    domains += 1;
    const name = `ws${domains}-${Math.random().toString(36).slice(2, 8)}.example.com`;
    const answer = await send(
      `<webspace><add><gen_setup><name>${name}</name><owner-login>${ownerLogin}</owner-login><htype>vrt_hst</htype><ip_address>192.0.2.1</ip_address></gen_setup><hosting><vrt_hst><property><name>ftp_login</name><value>u1</value></property></vrt_hst></hosting><plan-name>${plan}</plan-name></add></webspace>`,
    );
    const [result] = resultsOf(answer, 'webspace', 'add');
    expect(result).toEqual([
      ['status', 'ok'],
      ['id', expect.stringMatching(/^\d+$/)],
      ['guid', expect.stringMatching(UUID)],
    ]);
    return { id: Number(textAt(result, 'id')), guid: textAt(result, 'guid')!, name };
  };

  it('runs a billing system cycle, and a webhook consumer receives every step', async () => {
    const hook = await test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(admin))
      .send({ url: receiver.url('/billing'), events: ['*'] })
      .expect(201);
    expect(hook.body.id).toBeGreaterThan(0);

    // 1. What the client probes first.
    const protos = await send('<server><get_protos/></server>');
    expect(protos.status).toBe(200);
    expect(protos.contentType).toMatch(/^text\/xml/);
    expect(resultsOf(protos, 'server', 'get_protos')[0]).toEqual([
      ['status', 'ok'],
      ['protos', expect.arrayContaining([['proto', '1.6.3.0']])],
    ]);

    // 2. customer add with an external-id, 3. customer get by it.
    const fields = customerGenInfo({ 'external-id': 'whmcs-client-42' });
    const customer = await addCustomer(fields);
    const byExternalId = await send(
      '<customer><get><filter><external-id>whmcs-client-42</external-id></filter><dataset><gen_info/></dataset></get></customer>',
    );
    const [found] = resultsOf(byExternalId, 'customer', 'get');
    expect(textAt(found, 'id')).toBe(String(customer.id));
    expect(textAt(found, 'data/gen_info/login')).toBe(fields.login);

    // 4. webspace add with a plan.
    const webspace = await addWebspace(fields.login, 'Premium');
    const subscription = await v1(`/subscriptions/${webspace.id}`);
    expect(subscription).toMatchObject({
      customerId: customer.id,
      plan: 'Premium',
      status: 'active',
    });

    // 5. Suspend: the subscription and its domains follow.
    const suspend = await send(
      `<customer><set><filter><login>${fields.login}</login></filter><values><gen_info><status>16</status></gen_info></values></set></customer>`,
    );
    expect(resultsOf(suspend, 'customer', 'set')).toEqual([
      [
        ['status', 'ok'],
        ['filter-id', fields.login],
        ['id', String(customer.id)],
      ],
    ]);
    expect(await v1(`/customers/${customer.id}`)).toMatchObject({ status: 'suspended' });
    expect(await v1(`/subscriptions/${webspace.id}`)).toMatchObject({
      status: 'suspended',
      suspendedReasons: ['customer'],
    });

    // 6. Activate.
    await send(
      `<customer><set><filter><id>${customer.id}</id></filter><values><gen_info><status>0</status></gen_info></values></set></customer>`,
    );
    expect(await v1(`/subscriptions/${webspace.id}`)).toMatchObject({ status: 'active' });

    // 7. webspace del, 8. customer del by login (FOSSBilling's cancel).
    const delWebspace = await send(
      `<webspace><del><filter><name>${webspace.name}</name></filter></del></webspace>`,
    );
    expect(textAt(resultsOf(delWebspace, 'webspace', 'del')[0], 'status')).toBe('ok');
    const delCustomer = await send(
      `<customer><del><filter><login>${fields.login}</login></filter></del></customer>`,
    );
    expect(textAt(resultsOf(delCustomer, 'customer', 'del')[0], 'status')).toBe('ok');
    await test.http().get(`/api/v1/customers/${customer.id}`).set(bearer(admin)).expect(404);

    // What the consumer received for this customer, in order.
    const expected = [
      'customer.created',
      'subscription.created',
      'domain.created',
      'customer.suspended',
      'subscription.suspended',
      'domain.suspended',
      'customer.activated',
      'subscription.activated',
      'domain.activated',
      'subscription.deleted',
      'customer.deleted',
    ];
    const ofCustomer = () =>
      receiver
        .deliveries('/billing')
        .filter(
          (delivery) =>
            JSON.stringify(delivery.message.data).includes(fields.login) ||
            JSON.stringify(delivery.message.data).includes(webspace.name),
        )
        .map((delivery) => delivery.message.type);
    await receiver.waitFor(() => ofCustomer().includes('customer.deleted'));
    // In order per customer, as DESIGN section 5 promises a consumer.
    expect(ofCustomer()).toEqual(expected);
  });

  describe('server', () => {
    it('lists every protocol it accepts, one <proto> each, 1.4 to 1.6', async () => {
      const answer = await send('<server><get_protos/></server>');
      const [result] = resultsOf(answer, 'server', 'get_protos');
      const protos = (result as Array<[string, Array<[string, string]>]>)[1][1];
      expect(protos.every(([name]) => name === 'proto')).toBe(true);
      expect(protos.map(([, version]) => version)).toEqual(
        expect.arrayContaining(['1.4.0.0', '1.5.2.1', '1.6.3.0', '1.6.9.1']),
      );
      expect(protos.every(([, version]) => /^1\.[456]\./.test(version))).toBe(true);
    });

    it('answers get with gen_info (a stable server_guid) and key, in the order asked', async () => {
      const get = '<server><get><key/><gen_info/></get></server>';
      const [first, second] = await Promise.all([send(get), send(get)]);
      const [result] = resultsOf(first, 'server', 'get');
      expect(result).toEqual([
        ['status', 'ok'],
        [
          'key',
          expect.arrayContaining([
            [
              'property',
              [
                ['name', 'can-manage-customers'],
                ['value', '1'],
              ],
            ],
            [
              'property',
              [
                ['name', 'lim_cl'],
                ['value', '-1'],
              ],
            ],
          ]),
        ],
        [
          'gen_info',
          [
            ['server_name', any()],
            ['server_guid', expect.stringMatching(UUID)],
          ],
        ],
      ]);
      expect(textAt(resultsOf(second, 'server', 'get')[0], 'gen_info/server_guid')).toBe(
        textAt(result, 'gen_info/server_guid'),
      );
    });

    it('answers get stat with the counts clientele has, as FOSSBilling tests a connection', async () => {
      const answer = await send('<server><get><stat/></get></server>');
      const [result] = resultsOf(answer, 'server', 'get');
      expect(result).toEqual([
        ['status', 'ok'],
        [
          'stat',
          [
            [
              'objects',
              [
                ['clients', expect.stringMatching(/^\d+$/)],
                ['domains', expect.stringMatching(/^\d+$/)],
                ['active_domains', expect.stringMatching(/^\d+$/)],
              ],
            ],
            [
              'version',
              [
                ['plesk_name', 'clientele'],
                ['plesk_version', any()],
              ],
            ],
            [
              'other',
              [
                ['cpu', ''],
                ['uptime', expect.stringMatching(/^\d+$/)],
                ['inside_vz', 'false'],
              ],
            ],
          ],
        ],
      ]);
      const customers = (await v1('/customers?limit=100')).items as unknown[];
      expect(Number(textAt(result, 'stat/objects/clients'))).toBe(customers.length);
    });
  });

  describe('customer', () => {
    it('adds a customer with every gen_info field and gets it by id, login, guid and external-id', async () => {
      const fields = customerGenInfo({
        cname: 'Example &amp; Co',
        phone: '+49 30 1234',
        fax: '+49 30 1235',
        address: 'Hauptstr. 1',
        city: 'Berlin',
        state: 'BE',
        pcode: '10115',
        country: 'DE',
        locale: 'de-DE',
        'external-id': `ext-${Date.now()}`,
        description: 'From WHMCS',
      });
      const created = await addCustomer(fields);
      expect(created.guid).toMatch(UUID);
      const filters = `<id>${created.id}</id><login>${fields.login}</login><guid>${created.guid}</guid><external-id>${fields['external-id']}</external-id>`;
      const answer = await send(
        `<customer><get><filter>${filters}</filter><dataset><gen_info/><stat/></dataset></get></customer>`,
      );
      const results = resultsOf(answer, 'customer', 'get');
      expect(results).toHaveLength(4);
      const genInfo = [
        ['cr_date', TODAY()],
        ['cname', 'Example & Co'],
        ['pname', fields.pname],
        ['login', fields.login],
        ['status', '0'],
        ['phone', '+49 30 1234'],
        ['fax', '+49 30 1235'],
        ['email', fields.email],
        ['address', 'Hauptstr. 1'],
        ['city', 'Berlin'],
        ['state', 'BE'],
        ['pcode', '10115'],
        ['country', 'DE'],
        ['locale', 'de-DE'],
        ['owner-login', 'admin'],
        ['guid', created.guid],
        ['external-id', fields['external-id']],
        ['description', 'From WHMCS'],
      ];
      const filterIds = [String(created.id), fields.login, created.guid, fields['external-id']];
      results.forEach((result, index) =>
        expect(result).toEqual([
          ['status', 'ok'],
          ['filter-id', filterIds[index]],
          ['id', String(created.id)],
          [
            'data',
            [
              ['gen_info', genInfo],
              ['stat', expect.any(Array)],
            ],
          ],
        ]),
      );
      expect(await v1(`/customers/${created.id}`)).toMatchObject({
        username: fields.login,
        company: 'Example & Co',
        postalCode: '10115',
        externalId: fields['external-id'],
        guid: created.guid,
      });
    });

    it('lists every customer for an empty filter', async () => {
      const one = await addCustomer();
      const two = await addCustomer();
      const answer = await send(
        '<customer><get><filter/><dataset><gen_info/></dataset></get></customer>',
      );
      const results = resultsOf(answer, 'customer', 'get');
      const ids = results.map((result) => Number(textAt(result, 'id')));
      expect(ids).toEqual(expect.arrayContaining([one.id, two.id]));
      const listed = (await v1('/customers?limit=100')).items as unknown[];
      expect(ids.length).toBe(listed.length);
      for (const result of results) expect(result[0]).toEqual(['status', 'ok']);
    });

    it('answers one result per filter value, errors beside successes', async () => {
      const known = await addCustomer();
      const answer = await send(
        `<customer><get><filter><login>${known.fields.login}</login><login>nobody-here</login><id>${known.id}</id></filter><dataset><gen_info/></dataset></get></customer>`,
      );
      const results = resultsOf(answer, 'customer', 'get');
      expect(results.map((result) => textAt(result, 'status'))).toEqual(['ok', 'error', 'ok']);
      expect(results[1]).toEqual(errorResult(1013, ['filter-id', 'nobody-here']));
    });

    it('counts domains in stat and answers 0 for what clientele does not meter', async () => {
      const owner = await addCustomer();
      await addWebspace(owner.fields.login);
      await addWebspace(owner.fields.login);
      const answer = await send(
        `<customer><get><filter><id>${owner.id}</id></filter><dataset><stat/></dataset></get></customer>`,
      );
      const [result] = resultsOf(answer, 'customer', 'get');
      expect(result).toEqual([
        ['status', 'ok'],
        ['filter-id', String(owner.id)],
        ['id', String(owner.id)],
        [
          'data',
          [
            [
              'stat',
              [
                ['active_domains', '2'],
                ['subdomains', '0'],
                ['disk_space', '0'],
                ['web_users', '0'],
                ['data_bases', '0'],
                ['postboxes', '0'],
                ['redirects', '0'],
                ['mail_groups', '0'],
                ['mail_resps', '0'],
                ['mail_lists', '0'],
                ['webapps', '0'],
                ['traffic', '0'],
                ['traffic_prevday', '0'],
              ],
            ],
          ],
        ],
      ]);
    });

    it('sets contact data and credentials through the same update as /api/v1, with an event', async () => {
      const customer = await addCustomer();
      const before = await lastEventId(test);
      const answer = await send(
        `<customer><set><filter><guid>${customer.guid}</guid></filter><values><gen_info><pname>Renamed</pname><city>Hamburg</city><cname></cname><passwd>another-password-2</passwd></gen_info></values></set></customer>`,
      );
      expect(textAt(resultsOf(answer, 'customer', 'set')[0], 'status')).toBe('ok');
      expect(await v1(`/customers/${customer.id}`)).toMatchObject({
        name: 'Renamed',
        city: 'Hamburg',
        company: null,
      });
      const events = await eventsAfter(test, before);
      expect(events.map((event) => event.type)).toEqual(['customer.updated']);
      expect(events[0].payload.changes).toEqual(
        expect.arrayContaining(['name', 'city', 'password']),
      );
      expect(events[0].actor).toBe('admin:1');
      await test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: customer.fields.login, password: 'another-password-2' })
        .expect(200);
    });

    it('suspends with status 16 through the suspension service and activates with 0', async () => {
      const customer = await addCustomer();
      const webspace = await addWebspace(customer.fields.login);
      const set = (status: number) =>
        send(
          `<customer><set><filter><external-id>nope</external-id><id>${customer.id}</id></filter><values><gen_info><status>${status}</status></gen_info></values></set></customer>`,
        );
      const suspended = await set(16);
      expect(resultsOf(suspended, 'customer', 'set').map((r) => textAt(r, 'status'))).toEqual([
        'error',
        'ok',
      ]);
      expect(await v1(`/customers/${customer.id}`)).toMatchObject({
        status: 'suspended',
        suspension: { suspendedBy: 'admin:1' },
      });
      const domains = (await v1(`/domains?subscriptionId=${webspace.id}`)).items as Array<{
        status: string;
      }>;
      expect(domains.map((domain) => domain.status)).toEqual(['suspended']);
      await set(0);
      expect(await v1(`/customers/${customer.id}`)).toMatchObject({
        status: 'active',
        suspension: null,
      });
      expect(await v1(`/subscriptions/${webspace.id}`)).toMatchObject({ status: 'active' });
    });

    it('lists a customer domains with get-domain-list', async () => {
      const customer = await addCustomer();
      const webspace = await addWebspace(customer.fields.login);
      const answer = await send(
        `<customer><get-domain-list><filter><login>${customer.fields.login}</login></filter></get-domain-list></customer>`,
      );
      expect(resultsOf(answer, 'customer', 'get-domain-list')).toEqual([
        [
          ['status', 'ok'],
          ['filter-id', customer.fields.login],
          ['id', String(customer.id)],
          [
            'domains',
            [
              [
                'domain',
                [
                  ['id', expect.stringMatching(/^\d+$/)],
                  ['name', webspace.name],
                  ['ascii-name', webspace.name],
                  ['type', 'domain'],
                  ['guid', webspace.guid],
                ],
              ],
            ],
          ],
        ],
      ]);
    });

    it('deletes customers with their subscriptions by login, and answers 1013 for one that is gone', async () => {
      const customer = await addCustomer();
      const webspace = await addWebspace(customer.fields.login);
      const answer = await send(
        `<customer><del><filter><login>${customer.fields.login}</login><login>${customer.fields.login}</login></filter></del></customer>`,
      );
      expect(resultsOf(answer, 'customer', 'del')).toEqual([
        [
          ['status', 'ok'],
          ['filter-id', customer.fields.login],
          ['id', String(customer.id)],
        ],
        errorResult(1013, ['filter-id', customer.fields.login]),
      ]);
      await test.http().get(`/api/v1/subscriptions/${webspace.id}`).set(bearer(admin)).expect(404);
    });
  });

  describe('webspace', () => {
    it('gets a webspace by id, name, guid, owner-id and owner-login with gen_info in Plesk order', async () => {
      const owner = await addCustomer();
      const webspace = await addWebspace(owner.fields.login, 'Unlimited');
      const filters = `<id>${webspace.id}</id><name>${webspace.name}</name><guid>${webspace.guid}</guid><owner-id>${owner.id}</owner-id><owner-login>${owner.fields.login}</owner-login>`;
      const answer = await send(
        `<webspace><get><filter>${filters}</filter><dataset><gen_info/></dataset></get></webspace>`,
      );
      const results = resultsOf(answer, 'webspace', 'get');
      const filterIds = [
        String(webspace.id),
        webspace.name,
        webspace.guid,
        String(owner.id),
        owner.fields.login,
      ];
      expect(results).toEqual(
        filterIds.map((filterId) => [
          ['status', 'ok'],
          ['filter-id', filterId],
          ['id', String(webspace.id)],
          [
            'data',
            [
              [
                'gen_info',
                [
                  ['cr_date', TODAY()],
                  ['name', webspace.name],
                  ['ascii-name', webspace.name],
                  ['status', '0'],
                  ['real_size', '0'],
                  ['owner-id', String(owner.id)],
                  ['owner-login', owner.fields.login],
                  ['htype', 'vrt_hst'],
                  ['guid', webspace.guid],
                ],
              ],
            ],
          ],
        ]),
      );
      const all = await send(
        '<webspace><get><filter/><dataset><gen_info/></dataset></get></webspace>',
      );
      expect(resultsOf(all, 'webspace', 'get').map((r) => Number(textAt(r, 'id')))).toContain(
        webspace.id,
      );
    });

    it('suspends a webspace with status 16 (reason admin) and activates it with 0', async () => {
      const owner = await addCustomer();
      const webspace = await addWebspace(owner.fields.login);
      const set = (status: number) =>
        send(
          `<webspace><set><filter><id>${webspace.id}</id></filter><values><gen_setup><status>${status}</status></gen_setup><hosting><vrt_hst/></hosting></values></set></webspace>`,
        );
      expect(resultsOf(await set(16), 'webspace', 'set')).toEqual([
        [
          ['status', 'ok'],
          ['filter-id', String(webspace.id)],
          ['id', String(webspace.id)],
        ],
      ]);
      expect(await v1(`/subscriptions/${webspace.id}`)).toMatchObject({
        status: 'suspended',
        suspendedReasons: ['admin'],
      });
      const got = await send(
        `<webspace><get><filter><id>${webspace.id}</id></filter><dataset><gen_info/></dataset></get></webspace>`,
      );
      expect(textAt(resultsOf(got, 'webspace', 'get')[0], 'data/gen_info/status')).toBe('16');
      await set(0);
      expect(await v1(`/subscriptions/${webspace.id}`)).toMatchObject({ status: 'active' });
    });

    it('adds a webspace by owner-id or owner-guid, and answers 1013 for an unknown owner', async () => {
      const owner = await addCustomer();
      const byId = await send(
        `<webspace><add><gen_setup><name>by-id-${owner.id}.example.net</name><owner-id>${owner.id}</owner-id></gen_setup><plan-name>Basic</plan-name></add><add><gen_setup><name>by-guid-${owner.id}.example.net</name><owner-guid>${owner.guid}</owner-guid></gen_setup><plan-name>Basic</plan-name></add><add><gen_setup><name>nobody-${owner.id}.example.net</name><owner-login>no-such-login</owner-login></gen_setup><plan-name>Basic</plan-name></add></webspace>`,
      );
      const operations = byId.packet.children[0].children;
      expect(operations.map((operation) => operation.name)).toEqual(['add', 'add', 'add']);
      const statuses = operations.map((operation) => operation.children[0].children[0].text);
      expect(statuses).toEqual(['ok', 'ok', 'error']);
      expect((await v1(`/subscriptions?customerId=${owner.id}`)).items).toHaveLength(2);
    });

    it('adds a webspace the way FOSSBilling sends it: hosting, limits and permissions ignored, no plan', async () => {
      const owner = await addCustomer();
      const name = `fossbilling-${owner.id}.example.com`;
      const property = (key: string, value: string) =>
        `<property><name>${key}</name><value>${value}</value></property>`;
      const answer = await send(
        `<webspace><add><gen_setup><name>${name}</name><owner-login>${owner.fields.login}</owner-login><htype>vrt_hst</htype><ip_address>192.0.2.10</ip_address></gen_setup><hosting><vrt_hst>${property('ftp_login', owner.fields.login)}${property('ftp_password', 'ftp-secret-1')}${property('php', 'true')}<ip_address>192.0.2.10</ip_address></vrt_hst></hosting><limits><limit><name>max_db</name><value>0</value></limit><limit><name>disk_space</name><value>1048576</value></limit></limits><permissions><permission><name>manage_dns</name><value>true</value></permission></permissions></add></webspace>`,
      );
      const [result] = resultsOf(answer, 'webspace', 'add');
      expect(textAt(result, 'status')).toBe('ok');
      expect(await v1(`/subscriptions/${textAt(result, 'id')}`)).toMatchObject({
        customerId: owner.id,
        name,
        plan: 'Custom',
      });
    });

    it('deletes webspaces by owner-login, one result per webspace', async () => {
      const owner = await addCustomer();
      const one = await addWebspace(owner.fields.login);
      const two = await addWebspace(owner.fields.login);
      const answer = await send(
        `<webspace><del><filter><owner-login>${owner.fields.login}</owner-login></filter></del></webspace>`,
      );
      expect(resultsOf(answer, 'webspace', 'del').map((r) => textAt(r, 'id'))).toEqual([
        String(one.id),
        String(two.id),
      ]);
      expect((await v1(`/subscriptions?customerId=${owner.id}`)).items).toHaveLength(0);
    });
  });

  describe('secret_key', () => {
    it('creates a key bound to an address, shows it by key, lists it and deletes it', async () => {
      const created = await send(
        '<secret_key><create><ip_address>127.0.0.1</ip_address><description>WHMCS</description></create></secret_key>',
      );
      const [result] = resultsOf(created, 'secret_key', 'create');
      expect(result).toEqual([
        ['status', 'ok'],
        ['key', expect.stringMatching(/^ck_/)],
      ]);
      const key = textAt(result, 'key')!;

      const withKey = await sendPacket(
        test,
        packet(`<secret_key><get_info><filter><key>${key}</key></filter></get_info></secret_key>`),
        { KEY: key },
      );
      expect(resultsOf(withKey, 'secret_key', 'get_info')).toEqual([
        [
          ['status', 'ok'],
          ['filter-id', key],
          [
            'key_info',
            [
              ['key', key],
              ['ip_address', '127.0.0.1'],
              ['description', 'WHMCS'],
              ['login', 'admin'],
            ],
          ],
        ],
      ]);
      const all = await send('<secret_key><get_info><filter/></get_info></secret_key>');
      expect(
        resultsOf(all, 'secret_key', 'get_info').map((r) => textAt(r, 'key_info/description')),
      ).toContain('WHMCS');

      const deleted = await send(
        `<secret_key><delete><filter><key>${key}</key></filter></delete></secret_key>`,
      );
      expect(textAt(resultsOf(deleted, 'secret_key', 'delete')[0], 'status')).toBe('ok');
      const refused = await sendPacket(test, packet('<server><get_protos/></server>'), {
        KEY: key,
      });
      expect(textAt(refused.tree, 'system/errcode')).toBe('11003');
    });
  });

  it('runs several operators and operations of one packet in order, mirroring it', async () => {
    const fields = customerGenInfo();
    const answer = await send(
      `<server><get_protos/></server><customer><add><gen_info>${elements(fields)}</gen_info></add><get><filter><login>${fields.login}</login></filter><dataset><gen_info/></dataset></get></customer><webspace><get><filter><owner-login>${fields.login}</owner-login></filter><dataset><gen_info/></dataset></get></webspace>`,
      '1.5.2.1',
    );
    expect(answer.packet.attributes.version).toBe('1.5.2.1');
    expect(
      answer.packet.children.map((operator) => [
        operator.name,
        operator.children.map((o) => o.name),
      ]),
    ).toEqual([
      ['server', ['get_protos']],
      ['customer', ['add', 'get']],
      ['webspace', ['get']],
    ]);
    expect(textAt(resultsOf(answer, 'customer', 'get')[0], 'data/gen_info/login')).toBe(
      fields.login,
    );
    // A customer without webspaces: owner-login names no webspace, so Plesk's "not found".
    expect(resultsOf(answer, 'webspace', 'get')).toEqual([
      errorResult(1013, ['filter-id', fields.login]),
    ]);
  });
});
