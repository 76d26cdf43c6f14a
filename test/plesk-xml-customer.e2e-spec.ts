import { bearer } from './support/app';
import { eventsAfter, lastEventId } from './support/hosting';
import { customerGenInfo, errorResult, resultsOf, textAt } from './support/plesk-xml';
import { today, UUID, xmlSpecApp } from './support/plesk-xml-app';

/** agent.php's customer operator: every operation, filter and dataset, over the same services as /api/v1. */
describe('Plesk XML API (agent.php)', () => {
  const xml = xmlSpecApp();
  const { send, v1, addCustomer, addWebspace } = xml;

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
        ['cr_date', today()],
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
      const before = await lastEventId(xml.test);
      const answer = await send(
        `<customer><set><filter><guid>${customer.guid}</guid></filter><values><gen_info><pname>Renamed</pname><city>Hamburg</city><cname></cname><passwd>another-password-2</passwd></gen_info></values></set></customer>`,
      );
      expect(textAt(resultsOf(answer, 'customer', 'set')[0], 'status')).toBe('ok');
      expect(await v1(`/customers/${customer.id}`)).toMatchObject({
        name: 'Renamed',
        city: 'Hamburg',
        company: null,
      });
      const events = await eventsAfter(xml.test, before);
      expect(events.map((event) => event.type)).toEqual(['customer.updated']);
      expect(events[0].payload.changes).toEqual(
        expect.arrayContaining(['name', 'city', 'password']),
      );
      expect(events[0].actor).toBe('admin:1');
      await xml.test
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
      await xml.test
        .http()
        .get(`/api/v1/subscriptions/${webspace.id}`)
        .set(bearer(xml.admin))
        .expect(404);
    });
  });
});
