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
  /** status -> content type -> JSON pointer of its schema in the document (null: no body). */
  answers: Map<string, Map<string, string | null>>;
}

interface Contract {
  operations: Operation[];
  /** The compiled schema at a pointer, compiled on first use: most specs see a few operations. */
  validatorAt(pointer: string): ValidateFunction;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const contracts = new WeakMap<TestApp, Contract>();
/** Apps of one Jest worker serve the same document: compile it once per worker, not per app. */
const contractsByDocument = new Map<string, Contract>();

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function compileContract(document: OpenAPIObject): Contract {
  // OpenAPI 3.0 schemas: `nullable` is understood by ajv; `example` and friends are annotations.
  // Read strictly as OpenAPI 3.0 means it: `nullable` beside a `$ref` or `allOf` admits no null.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'openapi' } as object);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, OpenAPIObject['paths'][string]['get']>)[method];
      if (!operation) continue;
      const answers = new Map<string, Map<string, string | null>>();
      for (const [status, answer] of Object.entries(operation.responses)) {
        const byType = new Map<string, string | null>();
        const content = (answer as { content?: Record<string, { schema?: object }> }).content ?? {};
        for (const [type, media] of Object.entries(content)) {
          const at = pointer('paths', template, method, 'responses', status, 'content', type);
          byType.set(type, media.schema ? `openapi#/${at}/schema` : null);
        }
        answers.set(status, byType);
      }
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      operations.push({ method: method.toUpperCase(), template, pattern, answers });
    }
  }
  // Literal paths before templates: POST /customers/bulk is not POST /customers/{id}.
  operations.sort((a, b) => a.template.split('{').length - b.template.split('{').length);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (at: string) => {
    const known = compiled.get(at) ?? ajv.compile({ $ref: at });
    compiled.set(at, known);
    return known;
  };
  return { operations, validatorAt };
}

/** The documented answers of the app's own OpenAPI document. */
export function contractOf(test: TestApp): Contract {
  const known = contracts.get(test);
  if (known) return known;
  const document = createOpenApiDocument(test.app);
  const text = JSON.stringify(document);
  const contract = contractsByDocument.get(text) ?? compileContract(document);
  contractsByDocument.set(text, contract);
  contracts.set(test, contract);
  return contract;
}

/** What is wrong with an answer as the document describes it; empty when it matches. */
export function contractMismatches(test: TestApp, response: Response): string[] {
  const request = (response as unknown as { req: { method: string; path: string } }).req;
  const path = request.path.split('?')[0];
  if (!path.startsWith('/api/v1/') && !path.startsWith('/health/')) return [];
  const where = `${request.method} ${path} -> ${response.status}`;
  const contract = contractOf(test);
  const operation = contract.operations.find(
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
  const schema = documented.get(type);
  if (!schema) return [];
  const validate = contract.validatorAt(schema);
  if (validate(response.body)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `${where}: body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

/** Asserts that one answer is documented: its status for this operation, and its body's schema. */
export function expectDocumented(test: TestApp, response: Response): void {
  expect(contractMismatches(test, response)).toEqual([]);
}

/** Calls `check` with every answer the app gives through `test.http()` from now on. */
function watchAnswers(test: TestApp, check: (response: Response) => void): void {
  const original = test.http.bind(test);
  test.http = () =>
    new Proxy(original(), {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof property !== 'string' || !HTTP_METHODS.includes(property)) return value;
        return (...args: unknown[]) => {
          const pending = (value as (...a: unknown[]) => NodeJS.EventEmitter).apply(target, args);
          pending.on('response', check);
          return pending;
        };
      },
    });
}

/** Apps whose every answer a spec checks (expectEveryAnswerDocumented): not checked twice. */
const fullyChecked = new WeakSet<TestApp>();
const successMismatches: string[] = [];

/**
 * Every app the specs start checks its 2xx JSON answers against the document (test/support/app.ts
 * calls this); spec-harness.ts fails the test that received one the document does not describe.
 * Error answers are left to the specs that opt in with expectEveryAnswerDocumented: many specs
 * provoke refusals on purpose, and the fuzz test checks those.
 */
export function checkSuccessfulAnswers(test: TestApp): void {
  watchAnswers(test, (response) => {
    if (fullyChecked.has(test) || response.status < 200 || response.status >= 300) return;
    if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) return;
    successMismatches.push(...contractMismatches(test, response));
  });
}

/** The 2xx answers received since the last call that the document does not describe. */
export const takeSuccessMismatches = () => successMismatches.splice(0);

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
    fullyChecked.add(test);
    watchAnswers(test, (response) => mismatches.push(...contractMismatches(test, response)));
  });
  afterEach(() => {
    expect(mismatches.splice(0)).toEqual([]);
  });
}
