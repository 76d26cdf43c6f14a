import { bearer } from './support/app';
import {
  adminHeaders,
  customerGenInfo,
  elements,
  errorResult,
  operationResults,
  packet,
  resultsOf,
  sendPacket,
  textAt,
} from './support/plesk-xml';
import { xmlSpecApp } from './support/plesk-xml-app';

/** Everything agent.php refuses, answered the way Plesk does: HTTP 200, XML, and nothing written. */
describe('Plesk XML API (agent.php): errors', () => {
  const xml = xmlSpecApp();
  const { expectRefused, customerCount } = xml;
  const send = (operators: string, headers?: Record<string, string>) =>
    xml.send(operators, undefined, headers);
  const addPacket = (fields: Record<string, string>) =>
    `<customer><add><gen_info>${elements(fields)}</gen_info></add></customer>`;
  const addCustomer = (fields = customerGenInfo()) => xml.addCustomer(fields);

  describe('authentication', () => {
    const add = () => packet(addPacket(customerGenInfo()));

    it('answers 1001 without credentials or with wrong ones, the same for an unknown login', async () => {
      await expectRefused(add(), 1001, {});
      const wrong = await expectRefused(add(), 1001, adminHeaders('admin', 'wrong-password'));
      const unknown = await expectRefused(add(), 1001, adminHeaders('nobody', 'wrong-password'));
      expect(textAt(unknown.tree, 'system/errtext')).toBe(textAt(wrong.tree, 'system/errtext'));
    });

    it("answers 1006 to a customer's own credentials, showing no customer", async () => {
      const customer = await addCustomer();
      const answer = await expectRefused(
        packet('<customer><get><filter/><dataset><gen_info/></dataset></get></customer>'),
        1006,
        adminHeaders(customer.fields.login, customer.fields.passwd),
      );
      expect(answer.xml).not.toContain('<gen_info>');
    });

    it('throttles failed logins like /api/v1 logins: the right password is refused too, then', async () => {
      const customer = await addCustomer();
      for (let attempt = 0; attempt < 5; attempt += 1)
        await expectRefused(add(), 1001, adminHeaders(customer.fields.login, 'wrong-password'));
      const throttled = await expectRefused(
        add(),
        1001,
        adminHeaders(customer.fields.login, customer.fields.passwd),
      );
      expect(textAt(throttled.tree, 'system/errtext')).toMatch(/Too many failed attempts/);
      const login = await xml.test
        .http()
        .post('/api/v1/auth/login')
        .send({ username: customer.fields.login, password: customer.fields.passwd });
      expect(login.status).toBe(429);
    });

    it('answers 11003 to an unknown API key', async () => {
      await expectRefused(add(), 11003, { KEY: 'ck_not-a-key' });
      await expectRefused(add(), 11003, { KEY: 'x'.repeat(500) });
    });

    it('lets a read-only key get, and refuses it every change with 1006', async () => {
      const created = await xml.test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(xml.admin))
        .send({ name: 'Reporting', access: 'read-only' })
        .expect(201);
      const key = { KEY: created.body.key as string };
      const customer = await addCustomer();
      const read = await send(
        `<customer><get><filter><id>${customer.id}</id></filter><dataset><gen_info/></dataset></get></customer><server><get_protos/></server>`,
        key,
      );
      expect(textAt(resultsOf(read, 'customer', 'get')[0], 'status')).toBe('ok');
      const before = await customerCount();
      const write = await send(
        `<customer><add><gen_info>${elements(customerGenInfo())}</gen_info></add><del><filter><id>${customer.id}</id></filter></del></customer><secret_key><create><ip_address>127.0.0.1</ip_address></create></secret_key>`,
        key,
      );
      expect(resultsOf(write, 'customer', 'add')).toEqual([errorResult(1006)]);
      expect(resultsOf(write, 'customer', 'del')).toEqual([errorResult(1006)]);
      expect(resultsOf(write, 'secret_key', 'create')).toEqual([errorResult(1006)]);
      expect(await customerCount()).toBe(before);
    });

    it('refuses a full key that tries to make keys (1006)', async () => {
      const created = await xml.test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(xml.admin))
        .send({ name: 'Billing' })
        .expect(201);
      const answer = await send(
        '<secret_key><create><ip_address>127.0.0.1</ip_address></create></secret_key>',
        { KEY: created.body.key as string },
      );
      expect(resultsOf(answer, 'secret_key', 'create')).toEqual([errorResult(1006)]);
    });
  });

  describe('protocol version', () => {
    it.each(['1.3.0.0', '2.0.0.0', '1.7.0', 'latest', ''])(
      'answers 1005 to version "%s"',
      async (version) => {
        await expectRefused(packet(addPacket(customerGenInfo()), version), 1005);
      },
    );

    it('speaks the newest version to a packet without one', async () => {
      const answer = await sendPacket(xml.test, '<packet><server><get_protos/></server></packet>');
      expect(answer.packet.attributes.version).toBe('1.6.9.1');
    });
  });

  describe('packets that cannot run', () => {
    it.each([
      ['malformed XML', '<packet version="1.6.3.0"><customer><get></customer></packet>'],
      ['not XML at all', 'login=admin&passwd=x'],
      ['an empty body', ''],
      ['another root element', '<request><server><get_protos/></server></request>'],
      ['an empty packet', '<packet version="1.6.3.0"/>'],
      ['an unknown operator', packet('<mail><get_info/></mail>')],
      ['an unknown operation', packet('<customer><frobnicate/></customer>')],
      ['an operator without operations', packet('<customer/>')],
      ['two root elements', `${packet('<server><get_protos/></server>')}<packet/>`],
    ])('answers 1014 to %s', async (_what, body) => {
      await expectRefused(body, 1014);
    });

    it('runs nothing of a packet in which one operation is unknown', async () => {
      await expectRefused(
        packet(`${addPacket(customerGenInfo())}<customer><transfer/></customer>`),
        1014,
      );
    });

    it('answers 1014 to a body that is not XML, and accepts application/xml', async () => {
      await expectRefused(JSON.stringify({ packet: {} }), 1014, adminHeaders(), 'application/json');
      const answer = await sendPacket(
        xml.test,
        packet('<server><get_protos/></server>'),
        adminHeaders(),
        'application/xml',
      );
      expect(textAt(resultsOf(answer, 'server', 'get_protos')[0], 'status')).toBe('ok');
    });
  });

  describe('operation errors', () => {
    it.each([
      ['a wrong email', { email: 'not-an-email' }, /^email: /],
      ['no login', { login: '' }, /^login: /],
      ['a long pname', { pname: 'p'.repeat(61) }, /^pname: /],
      ['a passwd that contains the login', { passwd: 'LOGIN-and-more-1' }, /passwd/],
      ['a reserved login', { login: 'admin' }, /login/],
      ['a status Plesk cannot set', { status: '4' }, /^status: /],
      ['a country that is not ISO 3166', { country: 'Germany' }, /^country: /],
    ])(
      'answers 1019 to %s, naming the field as Plesk does, and adds nothing',
      async (_what, overrides, named) => {
        const fields = customerGenInfo(overrides);
        if (fields.passwd.includes('LOGIN')) fields.passwd = `${fields.login}-and-more-1`;
        const before = await customerCount();
        const [result] = resultsOf(await send(addPacket(fields)), 'customer', 'add');
        expect(result).toEqual(errorResult(1019));
        expect(textAt(result, 'errtext')).toMatch(named);
        expect(await customerCount()).toBe(before);
      },
    );

    it('answers 1014 to a gen_info element Plesk does not have', async () => {
      const [result] = resultsOf(
        await send(addPacket(customerGenInfo({ shoe_size: '44' }))),
        'customer',
        'add',
      );
      expect(result).toEqual(errorResult(1014));
    });

    it('answers 1007 to a login or external-id that is taken', async () => {
      const first = await addCustomer(customerGenInfo({ 'external-id': `taken-${Date.now()}` }));
      const again = await send(
        `${addPacket(customerGenInfo({ login: first.fields.login }))}${addPacket(customerGenInfo({ 'external-id': first.fields['external-id'] }))}`,
      );
      expect(operationResults(again)).toEqual([errorResult(1007), errorResult(1007)]);
    });

    it('answers 1013 with the filter-id for an unknown customer and 1019 for an id that is no number', async () => {
      const answer = await send(
        '<customer><get><filter><id>999999</id><id>abc</id><guid>00000000-0000-4000-8000-000000000000</guid></filter><dataset><gen_info/></dataset></get></customer>',
      );
      expect(resultsOf(answer, 'customer', 'get')).toEqual([
        errorResult(1013, ['filter-id', '999999']),
        errorResult(1019, ['filter-id', 'abc']),
        errorResult(1013, ['filter-id', '00000000-0000-4000-8000-000000000000']),
      ]);
    });

    it('refuses an unknown filter (1014), a missing filter (1014) and an empty one for set or del (1019)', async () => {
      const customer = await addCustomer();
      const answer = await send(
        `<customer><get><filter><email>${customer.fields.email}</email></filter></get><get><dataset><gen_info/></dataset></get><del><filter/></del><set><filter/><values><gen_info><status>16</status></gen_info></values></set></customer>`,
      );
      expect(operationResults(answer)).toEqual([
        errorResult(1014),
        errorResult(1014),
        errorResult(1019),
        errorResult(1019),
      ]);
      const still = await xml.test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(bearer(xml.admin))
        .expect(200);
      expect(still.body.status).toBe('active');
    });

    it('answers webspace mistakes: an empty plan-name (1019), a taken name (1007), a name change (1019)', async () => {
      const owner = await addCustomer();
      const name = `taken-${owner.id}.example.org`;
      const setup = (extra: string) =>
        `<add><gen_setup><name>${name}</name><owner-id>${owner.id}</owner-id></gen_setup>${extra}</add>`;
      const answer = await send(
        `<webspace>${setup('<plan-name></plan-name>')}${setup('<plan-name>Basic</plan-name>')}${setup('<plan-name>Basic</plan-name>')}<set><filter><name>${name}</name></filter><values><gen_setup><name>other.example.org</name></gen_setup></values></set></webspace>`,
      );
      const results = operationResults(answer);
      expect(results.map((result) => textAt(result, 'errcode') ?? 'ok')).toEqual([
        '1019',
        'ok',
        '1007',
        '1019',
      ]);
      expect(textAt(results[0], 'errtext')).toMatch(/^plan-name: /);
    });
  });
});
