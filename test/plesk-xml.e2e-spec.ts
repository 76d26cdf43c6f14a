import { bearer } from './support/app';
import { elements, resultsOf, textAt, customerGenInfo, errorResult } from './support/plesk-xml';
import { anyString, UUID, xmlSpecApp } from './support/plesk-xml-app';
import { WebhookReceiver } from './support/webhook-receiver';

/** agent.php driven the way WHMCS, Blesta and FOSSBilling (api-php-lib) drive it: a whole billing cycle, the server operator and packets of many operations. */
describe('Plesk XML API (agent.php)', () => {
  const xml = xmlSpecApp({
    PROCESS_ROLE: 'all',
    WEBHOOK_TIMEOUT_MS: '1500',
    WEBHOOK_RETRY_SCHEDULE_MS: '300,600,900',
    RELAY_SWEEP_INTERVAL_MS: '1000',
  });
  const { send, v1, addCustomer, addWebspace } = xml;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver?.close());

  it('runs a billing system cycle, and a webhook consumer receives every step', async () => {
    const hook = await xml.test
      .http()
      .post('/api/v1/webhooks')
      .set(bearer(xml.admin))
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
    await xml.test
      .http()
      .get(`/api/v1/customers/${customer.id}`)
      .set(bearer(xml.admin))
      .expect(404);

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
            ['server_name', anyString()],
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
                ['plesk_version', anyString()],
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
