import { packet, resultsOf, sendPacket, textAt } from './support/plesk-xml';
import { today, xmlSpecApp } from './support/plesk-xml-app';

/** agent.php's webspace (subscriptions) and secret_key (API keys) operators. */
describe('Plesk XML API (agent.php)', () => {
  const xml = xmlSpecApp();
  const { send, v1, addCustomer, addWebspace } = xml;

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
                  ['cr_date', today()],
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
        xml.test,
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
      const refused = await sendPacket(xml.test, packet('<server><get_protos/></server>'), {
        KEY: key,
      });
      expect(textAt(refused.tree, 'system/errcode')).toBe('11003');
    });
  });
});
