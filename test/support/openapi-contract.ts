import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Response } from 'supertest';
import { createOpenApiDocument } from '../../src/http-app';
import type { TestApp } from './app';

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  /** status -> content type -> compiled schema (null: documented without a body). */
  answers: Map<string, Map<string, ValidateFunction | null>>;
}

interface Contract {
  operations: Operation[];
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const contracts = new WeakMap<TestApp, Contract>();

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * OpenAPI 3.0's `nullable` next to `allOf`/`$ref` (how a nullable object property is written) also
 * admits null; ajv's `nullable` keyword only widens `type`, so such schemas are rewritten as
 * `anyOf: [null, the schema]` for validation. The document itself stays as served.
 */
function nullableComposites(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableComposites);
  if (typeof node !== 'object' || node === null) return;
  const schema = node as Record<string, unknown>;
  Object.values(schema).forEach(nullableComposites);
  if (schema.nullable !== true || !('allOf' in schema || '$ref' in schema)) return;
  const { nullable: _nullable, description, ...rest } = schema;
  for (const key of Object.keys(schema)) delete schema[key];
  Object.assign(schema, { description, anyOf: [{ type: 'null' }, rest] });
}

/** Compiles every documented answer of the app's own OpenAPI document once per app. */
export function contractOf(test: TestApp): Contract {
  const known = contracts.get(test);
  if (known) return known;
  const document: OpenAPIObject = createOpenApiDocument(test.app);
  // OpenAPI 3.0 schemas: `nullable` is understood by ajv; `example` and friends are annotations.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const forValidation = structuredClone(document) as unknown as Record<string, unknown>;
  nullableComposites(forValidation);
  ajv.addSchema({ ...forValidation, $id: 'openapi' } as object);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, OpenAPIObject['paths'][string]['get']>)[method];
      if (!operation) continue;
      const answers = new Map<string, Map<string, ValidateFunction | null>>();
      for (const [status, answer] of Object.entries(operation.responses)) {
        const byType = new Map<string, ValidateFunction | null>();
        const content = (answer as { content?: Record<string, { schema?: object }> }).content ?? {};
        for (const [type, media] of Object.entries(content)) {
          byType.set(
            type,
            media.schema
              ? ajv.compile({
                  $ref: `openapi#/${pointer('paths', template, method, 'responses', status, 'content', type, 'schema')}`,
                })
              : null,
          );
        }
        answers.set(status, byType);
      }
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      operations.push({ method: method.toUpperCase(), template, pattern, answers });
    }
  }
  // Literal paths before templates: POST /customers/bulk is not POST /customers/{id}.
  operations.sort((a, b) => a.template.split('{').length - b.template.split('{').length);
  const contract = { operations };
  contracts.set(test, contract);
  return contract;
}

/** What is wrong with an answer as the document describes it; empty when it matches. */
export function contractMismatches(test: TestApp, response: Response): string[] {
  const request = (response as unknown as { req: { method: string; path: string } }).req;
  const path = request.path.split('?')[0];
  if (!path.startsWith('/api/v1/') && !path.startsWith('/health/')) return [];
  const where = `${request.method} ${path} -> ${response.status}`;
  const operation = contractOf(test).operations.find(
    (candidate) => candidate.method === request.method && candidate.pattern.test(path),
  );
  if (!operation) {
    return response.status === 404 || response.status === 405
      ? []
      : [`${where}: no documented operation`];
  }
  const documented = operation.answers.get(String(response.status));
  if (!documented)
    return [`${where}: status not documented for ${operation.method} ${operation.template}`];
  const type = String(response.headers['content-type'] ?? '').split(';')[0];
  if (response.status === 204 || !type) return [];
  if (!documented.has(type)) {
    return documented.size === 0 && type === 'application/json' && response.text === ''
      ? []
      : [`${where}: ${type} not documented (documented: ${[...documented.keys()].join(', ')})`];
  }
  const validate = documented.get(type);
  if (!validate || validate(response.body)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${where}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

/** Asserts that one answer is documented: its status for this operation, and its body's schema. */
export function expectDocumented(test: TestApp, response: Response): void {
  expect(contractMismatches(test, response)).toEqual([]);
}

/**
 * Checks every answer a spec receives through `test.http()` against the document, and fails the
 * test that received an undocumented one. Call it in a describe block after the `beforeAll` that
 * starts the app.
 */
export function expectEveryAnswerDocumented(getTest: () => TestApp): void {
  const mismatches: string[] = [];
  beforeAll(() => {
    const test = getTest();
    contractOf(test);
    const original = test.http.bind(test);
    test.http = () => {
      const agent = original();
      return new Proxy(agent, {
        get(target, property, receiver) {
          const value: unknown = Reflect.get(target, property, receiver);
          if (typeof property !== 'string' || !HTTP_METHODS.includes(property)) return value;
          return (...args: unknown[]) => {
            const pending = (value as (...a: unknown[]) => NodeJS.EventEmitter).apply(target, args);
            pending.on('response', (response: Response) =>
              mismatches.push(...contractMismatches(test, response)),
            );
            return pending;
          };
        },
      });
    };
  });
  afterEach(() => {
    expect(mismatches.splice(0)).toEqual([]);
  });
}
