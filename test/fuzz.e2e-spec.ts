import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'supertest';
import { bearer, login, loginAdmin, startTestApp, TestApp } from './support/app';
import { ADMIN } from './support/database';
import { createCustomer } from './support/factories';
import { createDomain, createSubscription } from './support/hosting';
import {
  fillPath,
  FuzzOperation,
  operationsOf,
  WRONG_PATH_IDS,
  wrongQueryValuesFor,
  wrongValuesFor,
} from './support/openapi-fuzz';
import { adminHeaders, AGENT_PATH } from './support/plesk-xml';
import { hostilePackets } from './support/plesk-xml-fuzz';
import { readPacket } from '../src/plesk/xml/packet-reader';

/** Sends a Buffer as it is: superagent would otherwise serialise it as JSON. */
const asIs = (body: Buffer) => body as unknown as string;

/**
 * Hostile and malformed input against every operation of the OpenAPI document: no answer may be a
 * 5xx, every refusal is problem details, and the database is exactly as it was.
 */
describe('fuzzing the API', () => {
  let test: TestApp;
  let document: OpenAPIObject;
  let admin: Record<string, string>;
  let customer: Record<string, string>;
  let before: string;
  const fixtureIds: Record<string, number> = {};
  const failures: string[] = [];
  let sent = 0;

  /** Every table's CHECKSUM, so any write anywhere shows. */
  const databaseChecksum = async () => {
    const connection = test.em().getConnection();
    const tables = await connection.execute<Array<{ name: string }>>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const sums = await connection.execute<Array<{ Table: string; Checksum: number }>>(
      `CHECKSUM TABLE ${tables.map(({ name }) => `\`${name}\``).join(', ')}`,
    );
    return sums.map(({ Table, Checksum }) => `${Table}=${Checksum}`).join('\n');
  };

  beforeAll(async () => {
    test = await startTestApp();
    const adminToken = await loginAdmin(test);
    admin = bearer(adminToken);
    const owner = await createCustomer(test, adminToken);
    customer = bearer(await login(test, owner.username, owner.password));
    const subscription = await createSubscription(test, adminToken, owner.id);
    const domain = await createDomain(test, adminToken, subscription.id);
    const webhook = await test
      .http()
      .post('/api/v1/webhooks')
      .set(admin)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['*'], enabled: false })
      .expect(201);
    Object.assign(fixtureIds, {
      customers: owner.id,
      clients: owner.id,
      subscriptions: subscription.id,
      domains: domain.id,
      webhooks: (webhook.body as { id: number }).id,
      jobs: 1,
    });
    document = (await test.http().get('/api/docs-json').expect(200)).body as OpenAPIObject;
    before = await databaseChecksum();
  });
  afterAll(() => test?.close());

  /** The Plesk-compatible /api/v2 takes an administrator's Basic credentials, and answers `{code, message}`. */
  const isPlesk = (template: string) => template.startsWith('/api/v2/');
  const basicAdmin = {
    Authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
  };

  const credentialsFor = (template: string) =>
    isPlesk(template)
      ? basicAdmin
      : template.startsWith('/api/v1/account')
        ? customer
        : template.includes('/auth/login')
          ? {}
          : admin;

  /** A refusal as the API of that path words it: problem details (v1), or Plesk's `{code, message}` (v2). */
  const expectRefused = (
    template: string,
    response: Response,
    status: number,
    problem: Record<string, unknown>,
  ) => {
    expect(response.status).toBe(status);
    if (isPlesk(template))
      expect(response.body).toEqual({ code: status, message: expect.any(String) });
    else expect(response.body).toMatchObject(problem);
  };

  const validPath = (template: string) =>
    fillPath(template, fixtureIds[template.split('/')[3]] ?? 1);

  /**
   * Records a 5xx, or a refusal that is not problem details (under /api/v2: not Plesk's
   * `{code, message}`); returns the answer for more checks.
   */
  const check = (what: string, response: Response): Response => {
    sent += 1;
    const type = String(response.headers['content-type'] ?? '');
    const plesk = what.includes(' /api/v2/');
    const body = response.body as { code?: unknown; message?: unknown };
    if (response.status >= 500) failures.push(`${what}: ${response.status} ${response.text}`);
    else if (response.headers['x-content-type-options'] !== 'nosniff')
      failures.push(`${what}: no X-Content-Type-Options: nosniff`);
    else if (response.status >= 400 && plesk) {
      if (body.code !== response.status || typeof body.message !== 'string')
        failures.push(`${what}: ${response.status} without Plesk's {code, message} (${type})`);
    } else if (response.status >= 400 && !type.startsWith('application/problem+json'))
      failures.push(`${what}: ${response.status} without problem details (${type})`);
    return response;
  };

  const requestAs = (
    credentials: Record<string, string>,
    method: FuzzOperation['method'],
    path: string,
  ) => {
    const agent = test.http();
    return agent[method](path).set(credentials);
  };

  const send = (operation: FuzzOperation, path: string) =>
    requestAs(credentialsFor(operation.template), operation.method, path);

  const bodyOperations = () => operationsOf(document).filter((operation) => operation.body);

  it('walks a document with operations of every kind', () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThan(35);
    expect(bodyOperations().length).toBeGreaterThanOrEqual(10);
  });

  it('refuses bodies whose Content-Encoding is wrong (400) or unknown (415)', async () => {
    const plain = '{"username":"admin","password":"whatever-it-is"}';
    for (const operation of bodyOperations()) {
      const path = validPath(operation.template);
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const response = check(
          `${operation.method} ${path} ${encoding}`,
          await send(operation, path)
            .set('Content-Type', 'application/json')
            .set('Content-Encoding', encoding)
            .send(plain),
        );
        expectRefused(operation.template, response, 400, {
          type: '/problems/malformed-encoding',
        });
      }
      const unknown = check(
        `${operation.method} ${path} compress`,
        await send(operation, path)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', 'compress')
          .send(plain),
      );
      expect(unknown.status).toBe(415);
    }
  });

  it('reads a properly compressed body, and refuses compressed garbage', async () => {
    const body = Buffer.from(JSON.stringify({ username: 'nobody', password: 'wrong-password' }));
    for (const [encoding, compressed] of [
      ['gzip', gzipSync(body)],
      ['deflate', deflateSync(body)],
      ['br', brotliCompressSync(body)],
    ] as const) {
      const response = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', encoding)
        .serialize(asIs)
        .send(compressed);
      // Decompressed and validated: the fields are unknown to a customer, so 400 names them.
      expect(check(`customers ${encoding}`, response).status).toBe(400);
      expect(response.body.type).toBe('/problems/validation-failed');
    }
    const garbage = gzipSync(Buffer.from('{"username": '));
    const response = await test
      .http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(asIs)
      .send(garbage);
    expect(check('login gzip garbage', response).status).toBe(400);
  });

  it('refuses a lone UTF-16 surrogate in any text field with a 400 naming the field', async () => {
    for (const operation of bodyOperations()) {
      const path = validPath(operation.template);
      const fields = Object.entries(operation.body ?? {})
        .filter(([, schema]) => schema.type === 'string' && !schema.format)
        .map(([field]) => field);
      for (const field of fields) {
        const response = check(
          `${operation.method} ${path} ${field}=\\ud800`,
          await send(operation, path)
            .set('Content-Type', 'application/json')
            .send(`{"${field}":"Acme \\ud800 GmbH"}`),
        );
        if (isPlesk(operation.template)) expectRefused(operation.template, response, 400, {});
        else
          expect({ field, status: response.status, errors: response.body.errors }).toEqual({
            field,
            status: 400,
            errors: [expect.objectContaining({ field, code: 'invalid_unicode' })],
          });
      }
    }
    const nested = check(
      'webhook events surrogate',
      await test
        .http()
        .post('/api/v1/webhooks')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send('{"url":"http://127.0.0.1:9/","events":["customer.created","\\udfff"]}'),
    );
    expect(nested.body.errors).toEqual([expect.objectContaining({ field: 'events.1' })]);
  });

  it('refuses bytes that are not UTF-8 instead of storing U+FFFD for them', async () => {
    const invalid = Buffer.concat([
      Buffer.from('{"description":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ]);
    for (const operation of bodyOperations()) {
      const path = validPath(operation.template);
      const response = check(
        `${operation.method} ${path} latin-1 byte`,
        await send(operation, path)
          .set('Content-Type', 'application/json')
          .serialize(asIs)
          .send(invalid),
      );
      expectRefused(operation.template, response, 400, { type: '/problems/malformed-utf8' });
    }
  });

  it('refuses impossible dates', async () => {
    // Every date-time a body takes; each impossible one is a 400 naming the field, never rolled over.
    for (const [method, path, field, extra] of [
      [
        'post',
        '/api/v1/subscriptions',
        'expiresAt',
        { customerId: fixtureIds.customers, name: 'x.test', plan: 'P' },
      ],
      ['patch', `/api/v1/subscriptions/${fixtureIds.subscriptions}`, 'expiresAt', {}],
      [
        'post',
        '/api/v1/customers/bulk',
        'runAt',
        { action: 'suspend', ids: [fixtureIds.customers] },
      ],
      ['post', '/api/v1/api-keys', 'expiresAt', { name: 'fuzz' }],
    ] as const) {
      for (const value of [
        '2024-02-30T10:00:00Z',
        '2023-02-29T12:00:00Z',
        '2024-04-31',
        '2024-01-01T24:30:00Z',
      ]) {
        const response = check(
          `${method} ${path} ${field}=${value}`,
          await requestAs(admin, method, path).send({ ...extra, [field]: value }),
        );
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([
          expect.objectContaining({ field, code: 'invalid_date' }),
        ]);
      }
    }
  });

  it('refuses huge, deep and wide bodies', async () => {
    // Body limits are the same for every route (one parser): three kinds of caller suffice.
    const operations = bodyOperations().filter(({ template }) =>
      ['/api/v1/auth/login', '/api/v1/account', '/api/v1/webhooks/{id}'].includes(template),
    );
    expect(operations).toHaveLength(3);
    for (const operation of operations) {
      const path = validPath(operation.template);
      const huge = check(
        `${operation.method} ${path} over 1 MB`,
        await send(operation, path)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ name: 'x'.repeat(1_100_000) })),
      );
      expect(huge.status).toBe(413);
    }
    for (const operation of bodyOperations()) {
      const path = validPath(operation.template);
      const deep = check(
        `${operation.method} ${path} deep`,
        await send(operation, path)
          .set('Content-Type', 'application/json')
          .send(`${'['.repeat(5_000)}${']'.repeat(5_000)}`),
      );
      expect(deep.status).toBe(400);
    }
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const response = check(
      'wide customer',
      await test.http().post('/api/v1/customers').set(admin).send(wide),
    );
    expect(response.status).toBe(400);
  });

  it('refuses values of the wrong type for every body property, query parameter and path id', async () => {
    for (const operation of operationsOf(document)) {
      const path = validPath(operation.template);
      for (const [field, schema] of Object.entries(operation.body ?? {})) {
        for (const value of wrongValuesFor(schema)) {
          const response = check(
            `${operation.method} ${path} ${field}=${JSON.stringify(value).slice(0, 40)}`,
            await send(operation, path).send({ [field]: value }),
          );
          expect(response.status).toBeGreaterThanOrEqual(400);
        }
      }
      for (const { name, schema } of operation.query) {
        for (const value of wrongQueryValuesFor(schema)) {
          const response = check(
            `${operation.method} ${path}?${name}=${value.slice(0, 20)}`,
            await send(operation, path).query({ [name]: value }),
          );
          expect(response.status).toBe(400);
        }
      }
      if (operation.pathParams.length > 0) {
        for (const id of WRONG_PATH_IDS) {
          const response = check(
            `${operation.method} ${operation.template} id=${id}`,
            await send(operation, fillPath(operation.template, id)).send(
              operation.body ? {} : undefined,
            ),
          );
          expect([400, 404]).toContain(response.status);
        }
      }
    }
    // Every wrong value of every operation, one request after another: over a minute on a loaded 2-core machine.
  }, 240_000);

  it('answers every hostile packet to agent.php with a Plesk error in XML (HTTP 200)', async () => {
    const packets = hostilePackets(fixtureIds.customers);
    expect(packets.length).toBeGreaterThan(200);
    for (const { what, body, contentType } of packets) {
      const response = check(
        `POST ${AGENT_PATH} ${what}`,
        await test
          .http()
          .post(AGENT_PATH)
          .set(adminHeaders())
          .set('Content-Type', contentType ?? 'text/xml')
          .serialize((value: unknown) => value as string)
          .send(body),
      );
      expect([what, response.status, String(response.headers['content-type'])]).toEqual([
        what,
        200,
        expect.stringMatching(/^text\/xml/),
      ]);
      // Refused as a whole (<system>) or operation by operation: never an <status>ok</status>.
      expect([
        what,
        readPacket(response.text) && response.text.includes('<status>ok</status>'),
      ]).toEqual([what, false]);
    }
  });

  it('answered no request with a 5xx, refused every one with problem details, and changed nothing', async () => {
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(200);
    expect(await databaseChecksum()).toBe(before);
  });
});
