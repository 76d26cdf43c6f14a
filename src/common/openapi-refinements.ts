import type { OpenAPIObject } from '@nestjs/swagger';
import { MAX_ID } from './parse-id.pipe';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object of the document, each once, without recursion. */
function* objectsOf(root: JsonObject): Generator<JsonObject> {
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const current = stack.pop();
    if (Array.isArray(current)) stack.push(...current);
    else if (isObject(current)) {
      yield current;
      stack.push(...Object.values(current));
    }
  }
}

/**
 * Corrections @nestjs/swagger cannot be told through decorators:
 * - a nullable enum lists `null` among its values (OpenAPI 3.0.3 says `nullable` does not add it,
 *   and validators such as ajv follow the enum);
 * - path ids are integers between 1 and 2^32-1, as ParseIdPipe enforces: reflection only sees `number`.
 */
export function refineOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  const root = document as unknown as JsonObject;
  for (const object of objectsOf(root)) {
    const values = object.enum;
    if (object.nullable === true && Array.isArray(values) && !values.includes(null)) {
      values.push(null);
    }
    const schema = object.schema;
    if (object.in === 'path' && isObject(schema) && schema.type === 'number') {
      Object.assign(schema, { type: 'integer', minimum: 1, maximum: MAX_ID });
    }
  }
  return document;
}
