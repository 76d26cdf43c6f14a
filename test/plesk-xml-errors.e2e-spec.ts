import http from 'node:http';
import { AddressInfo } from 'node:net';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import {
  adminHeaders,
  AGENT_PATH,
  customerGenInfo,
  elements,
  errorResult,
  packet,
  operationResults,
  resultsOf,
  sendPacket,
  systemError,
  textAt,
} from './support/plesk-xml';
import { MAX_PACKET_DEPTH, MAX_PACKET_ELEMENTS } from '../src/plesk/xml/packet-reader';
import { BODY_LIMIT } from '../src/http-app';

/** Everything agent.php refuses, answered the way Plesk does: HTTP 200, XML, and nothing written. */
describe('Plesk XML API (agent.php): errors and hostile input', () => {
  let test: TestApp;
  let admin: string;
  beforeAll(async () => {
    test = await startTestApp();
    admin = await loginAdmin(test);
  });
  afterAll(() => test?.close());

  const send = (operators: string, headers?: Record<string, string>) =>
    sendPacket(test, packet(operators), headers);
  const customerCount = async () =>
    Number(
      (
        await test
          .em()
          .getConnection()
          .execute<Array<{ n: number }>>('SELECT COUNT(*) AS n FROM customer')
      )[0].n,
    );
  const addPacket = (fields: Record<string, string>) =>
    `<customer><add><gen_info>${elements(fields)}</gen_info></add></customer>`;
  const addCustomer = async (fields = customerGenInfo()) => {
    const [result] = resultsOf(await send(addPacket(fields)), 'customer', 'add');
    expect(textAt(result, 'status')).toBe('ok');
    return { id: Number(textAt(result, 'id')), fields };
  };

  /** Sends `body` and expects Plesk's `<system>` error `code`, with nothing written. */
  async function expectRefused(
    body: string,
    code: number,
    headers: Record<string, string> = adminHeaders(),
    contentType?: string,
  ) {
    const before = await customerCount();
    const answer = await sendPacket(test, body, headers, contentType);
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.tree).toEqual(systemError(code));
    expect(await customerCount()).toBe(before);
    return answer;
  }

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
      const login = await test
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
      const created = await test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(admin))
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
      const created = await test
        .http()
        .post('/api/v1/api-keys')
        .set(bearer(admin))
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
      const answer = await sendPacket(test, '<packet><server><get_protos/></server></packet>');
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
        test,
        packet('<server><get_protos/></server>'),
        adminHeaders(),
        'application/xml',
      );
      expect(textAt(resultsOf(answer, 'server', 'get_protos')[0], 'status')).toBe('ok');
    });
  });

  describe('hostile XML', () => {
    it('refuses a billion-laughs packet without expanding anything', async () => {
      const laughs = [
        '<!ENTITY lol "lol">',
        ...Array.from(
          { length: 9 },
          (_, level) =>
            `<!ENTITY lol${level + 1} "${`&lol${level === 0 ? '' : level};`.repeat(10)}">`,
        ),
      ].join('');
      const body = `<?xml version="1.0"?><!DOCTYPE packet [${laughs}]><packet version="1.6.3.0"><customer><add><gen_info><pname>&lol9;</pname></gen_info></add></customer></packet>`;
      const started = Date.now();
      const answer = await expectRefused(body, 1014);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer.xml.length).toBeLessThan(1_000);
      expect(answer.xml).not.toContain('lollol');
      expect(textAt(answer.tree, 'system/errtext')).toMatch(/DTD/);
    });

    it('reads no external entity: no file, no URL', async () => {
      let fetched = 0;
      const server = http.createServer((_request, response) => {
        fetched += 1;
        response.end('<!ENTITY leak "leaked">');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/evil.dtd`;
      try {
        const file = await expectRefused(
          `<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><packet version="1.6.3.0"><customer><get><filter><login>&xxe;</login></filter><dataset><gen_info/></dataset></get></customer></packet>`,
          1014,
        );
        expect(file.xml).not.toContain('root:');
        await expectRefused(
          `<?xml version="1.0"?><!DOCTYPE packet SYSTEM "${url}"><packet version="1.6.3.0"><server><get_protos/></server></packet>`,
          1014,
        );
        await expectRefused(
          `<?xml version="1.0"?><!DOCTYPE packet [<!ENTITY % remote SYSTEM "${url}"> %remote;]><packet version="1.6.3.0"><server><get_protos/></server></packet>`,
          1014,
        );
        // An undeclared entity is no way around it either.
        await expectRefused(
          packet('<customer><get><filter><login>&xxe;</login></filter></get></customer>'),
          1014,
        );
        // The answers came after parsing ended: a read would have happened by now.
        expect(fetched).toBe(0);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it(`refuses a packet nested deeper than ${MAX_PACKET_DEPTH} levels`, async () => {
      const depth = MAX_PACKET_DEPTH + 1;
      const nested = `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
      const answer = await expectRefused(
        packet(`<customer><get><filter>${nested}</filter></get></customer>`),
        1014,
      );
      expect(textAt(answer.tree, 'system/errtext')).toMatch(/deeper/);
    });

    it(`refuses a packet of more than ${MAX_PACKET_ELEMENTS} elements`, async () => {
      const filter = '<id>1</id>'.repeat(MAX_PACKET_ELEMENTS);
      const answer = await expectRefused(
        packet(`<customer><del><filter>${filter}</filter></del></customer>`),
        1014,
      );
      expect(textAt(answer.tree, 'system/errtext')).toMatch(/elements/);
    });

    it("refuses a body over the limit with Plesk's error, still HTTP 200", async () => {
      const answer = await expectRefused(
        packet(
          `<customer><get><filter><login>${'x'.repeat(BODY_LIMIT)}</login></filter></get></customer>`,
        ),
        1014,
      );
      expect(textAt(answer.tree, 'system/errtext')).toMatch(/larger than/);
    });

    it('escapes what it echoes', async () => {
      const answer = await send(
        '<customer><get><filter><login>&lt;/filter-id&gt;&amp;</login></filter><dataset><gen_info/></dataset></get></customer>',
      );
      expect(resultsOf(answer, 'customer', 'get')).toEqual([
        errorResult(1013, ['filter-id', '</filter-id>&']),
      ]);
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
      const still = await test
        .http()
        .get(`/api/v1/customers/${customer.id}`)
        .set(bearer(admin))
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

  it('is not part of the OpenAPI document', async () => {
    const document = await test.http().get('/api/docs-json').expect(200);
    expect(Object.keys(document.body.paths as object)).not.toContain(AGENT_PATH);
  });
});
