import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Browser } from 'playwright-core';
import { FIELD_ERROR_CODES } from '../src/common/domain-errors';
import { documentText, OPENAPI_JSON } from '../src/openapi-export';
import { bearer, loginAdmin, startTestApp, TestApp } from './support/app';
import { launchBrowser } from './support/browser';
import { customerInput } from './support/factories';
import { contractMismatches } from './support/openapi-contract';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');

type Schema = { required?: string[]; properties?: Record<string, Record<string, unknown>> };

describe('the OpenAPI document', () => {
  let test: TestApp;
  let document: OpenAPIObject;
  let admin: Record<string, string>;

  beforeAll(async () => {
    test = await startTestApp();
    admin = bearer(await loginAdmin(test));
    document = (await test.http().get('/api/docs-json').expect(200)).body as OpenAPIObject;
  });
  afterAll(() => test?.close());

  const schema = (name: string) => document.components?.schemas?.[name] as Schema;
  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        path,
        method,
        operation: operation as {
          parameters?: Array<{ in: string; name: string; schema: { type: string } }>;
          responses: Record<string, unknown>;
        },
      })),
    );

  it('is a valid OpenAPI 3 document (swagger-parser)', async () => {
    const copy = structuredClone(document);
    await expect(SwaggerParser.validate(copy as never)).resolves.toBeDefined();
  });

  it('documents the error answers of every operation but liveness, as problem details', () => {
    const silent = operations()
      .filter(({ operation }) => !Object.keys(operation.responses).some((s) => Number(s) >= 400))
      .map(({ method, path }) => `${method} ${path}`);
    expect(silent).toEqual(['get /health/live']);
    const login = document.paths['/api/v1/auth/login'].post?.responses ?? {};
    expect(Object.keys(login)).toEqual(expect.arrayContaining(['400', '401', '415', '429']));
    expect(login['429']).toMatchObject({
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsView' } },
      },
    });
    expect(schema('FieldErrorView').properties?.code.enum).toEqual([...FIELD_ERROR_CODES]);
  });

  it('types every path id as a positive integer', () => {
    const ids = operations().flatMap(({ operation }) =>
      // Ids only: the Plesk-compatible DELETE /api/v2/auth/keys/{key} names a key, a string.
      (operation.parameters ?? []).filter((p) => p.in === 'path' && p.name !== 'key'),
    );
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(id.schema).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('marks only the fields a request must send as required', () => {
    expect(schema('UpdateCustomerDto').required).toBeUndefined();
    expect(schema('UpdateAccountDto').required).toBeUndefined();
    expect(schema('UpdateSubscriptionDto').required).toBeUndefined();
    expect([...(schema('CreateCustomerDto').required ?? [])].sort()).toEqual([
      'email',
      'name',
      'password',
      'username',
    ]);
    expect(schema('CreateCustomerDto').properties?.company).toMatchObject({ nullable: true });
  });

  it('lists null among the values of every nullable enum', () => {
    expect(schema('WebhookView').properties?.disabledReason.enum).toEqual([
      'gone',
      'failing',
      null,
    ]);
    const text = JSON.stringify(document);
    const nullableEnums = text.match(/"nullable":true,"enum":\[[^\]]*\]/g) ?? [];
    for (const found of nullableEnums) expect(found).toMatch(/null\]$/);
  });

  it('describes the bearer token as opaque, not as a JWT', () => {
    const bearerScheme = document.components?.securitySchemes?.bearer as unknown as Record<
      string,
      string
    >;
    expect(bearerScheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(JSON.stringify(bearerScheme)).not.toMatch(/"bearerFormat":"JWT"/);
  });

  it('is committed as openapi.json, and the panel types are generated from it (npm run openapi)', async () => {
    expect({ file: 'openapi.json', text: readFileSync(OPENAPI_JSON, 'utf8') }).toEqual({
      file: 'openapi.json',
      text: documentText(document),
    });
    // The panel types: the command itself regenerates them in memory and compares.
    const check = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'src/openapi-export.ts', '--check'],
      { cwd: ROOT, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } },
    ).then(
      () => '',
      (error: { stderr?: string; message: string }) => error.stderr || error.message,
    );
    expect(check).toBe('');
    // The check boots the application's modules in a process of its own: slow on a loaded machine.
  }, 180_000);

  describe('the contract check of the e2e specs', () => {
    it("accepts a documented answer (an active customer's null suspension too) and names what is wrong with an undocumented one", async () => {
      const list = await test.http().get('/api/v1/customers').set(admin).expect(200);
      expect(contractMismatches(test, list)).toEqual([]);
      list.body = { items: [{ id: 'one' }], nextCursor: 5 };
      expect(contractMismatches(test, list).join('\n')).toMatch(
        /body\/items\/0 must have required/,
      );

      const active = await test
        .http()
        .post('/api/v1/customers')
        .set(admin)
        .send(customerInput())
        .expect(201);
      expect((active.body as { suspension: unknown }).suspension).toBeNull();
      expect(contractMismatches(test, active)).toEqual([]);
      const suspended = await test
        .http()
        .post(`/api/v1/customers/${(active.body as { id: number }).id}/suspend`)
        .set(admin)
        .send({ reason: 'unpaid' })
        .expect(200);
      expect(contractMismatches(test, suspended)).toEqual([]);
      suspended.body = { ...(suspended.body as object), suspension: 'unpaid' };
      expect(contractMismatches(test, suspended).join('\n')).toMatch(/body\/suspension must be/);

      const live = await test.http().get('/health/live').expect(200);
      Object.assign(live, { status: 418 });
      expect(contractMismatches(test, live)).toEqual([
        'GET /health/live -> 418: status not documented for GET /health/live',
      ]);
    });
  });
});

describe('the OpenAPI page in a browser', () => {
  let test: TestApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    test = await startTestApp();
    await test.app.listen(0, '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('sends a Content-Security-Policy and nosniff, and Swagger UI renders under it', async () => {
    const { port } = test.app.getHttpServer().address() as AddressInfo;
    const page = await (browser as Browser).newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(`http://127.0.0.1:${port}/api/docs`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    await page.locator('.opblock-tag', { hasText: 'customers' }).first().waitFor();
    await page
      .locator('.opblock-summary-path', { hasText: '/api/v1/customers/{id}' })
      .first()
      .waitFor();
    expect(violations).toEqual([]);
  });
});
