import type { OpenAPIObject } from '@nestjs/swagger';

/** A property of a request body or a query/path parameter, as the document declares it. */
interface PropertySchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  items?: PropertySchema;
  $ref?: string;
}

export interface FuzzOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** The path template, e.g. /api/v1/customers/{id}. */
  template: string;
  pathParams: string[];
  query: Array<{ name: string; schema: PropertySchema }>;
  /** Properties of the JSON body, when the operation takes one. */
  body?: Record<string, PropertySchema>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function resolve(document: OpenAPIObject, schema: PropertySchema | undefined): PropertySchema {
  if (!schema?.$ref) return schema ?? {};
  const name = schema.$ref.replace('#/components/schemas/', '');
  return (document.components?.schemas?.[name] ?? {}) as PropertySchema;
}

/** Every operation of the document with what it takes. */
export function operationsOf(document: OpenAPIObject): FuzzOperation[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    METHODS.flatMap((method) => {
      const operation = item[method];
      if (!operation) return [];
      const parameters = (operation.parameters ?? []) as Array<{
        in: string;
        name: string;
        schema: PropertySchema;
      }>;
      const content = (
        operation.requestBody as { content?: Record<string, { schema?: PropertySchema }> }
      )?.content;
      const bodySchema = resolve(document, content?.['application/json']?.schema) as {
        properties?: Record<string, PropertySchema>;
      };
      return [
        {
          method,
          template,
          pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
          query: parameters.filter((p) => p.in === 'query'),
          body: content ? (bodySchema.properties ?? {}) : undefined,
        },
      ];
    }),
  );
}

/** Values that a property of this schema must refuse: of another type, or past its bounds. */
export function wrongValuesFor(schema: PropertySchema): unknown[] {
  switch (schema.type) {
    case 'string':
      return [
        12345,
        { nested: 'object' },
        ['array'],
        ...(schema.maxLength !== undefined ? ['x'.repeat(schema.maxLength + 1)] : []),
        ...(schema.enum ? ['not-one-of-them'] : []),
        ...(schema.format === 'date-time' ? ['2024-02-30T00:00:00Z', 'yesterday'] : []),
      ];
    case 'integer':
    case 'number':
      return ['12', 1.5, -1, 2 ** 64, true, []];
    case 'boolean':
      return ['yes', 1, {}];
    case 'array':
      return ['a string', { not: 'an array' }, [{ wrong: 'item' }]];
    default:
      return [12345, 'text', []];
  }
}

/** Query strings that a query parameter of this schema must refuse. */
export function wrongQueryValuesFor(schema: PropertySchema): string[] {
  switch (schema.type) {
    case 'integer':
    case 'number':
      return ['abc', '1.5', '-1', '1e99', '99999999999999999999'];
    case 'boolean':
      return ['maybe'];
    default:
      return schema.enum ? ['not-one-of-them'] : ['x'.repeat(5000)];
  }
}

/** Path ids that are not positive 32-bit integers. */
export const WRONG_PATH_IDS = [
  'abc',
  '0',
  '-1',
  '1.5',
  '1e3',
  '99999999999',
  '%00',
  '%F0%9F%92%A5',
];

/** Fills a path template, e.g. /customers/{id} with 7. */
export const fillPath = (template: string, value: string | number) =>
  template.replace(/\{[^}]+\}/g, String(value));
