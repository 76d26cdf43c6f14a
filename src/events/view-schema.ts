import { DECORATORS } from '@nestjs/swagger';

/** A JSON Schema (draft-07) object, as the event catalog publishes it. */
export type JsonSchema = { [keyword: string]: unknown };

type ClassType = abstract new (...args: never[]) => unknown;

/** What `@ApiProperty(...)` stores per property (the subset that shapes a schema). */
interface PropertyMetadata {
  type?: unknown;
  isArray?: boolean;
  items?: JsonSchema;
  enum?: readonly unknown[];
  nullable?: boolean;
  required?: boolean;
  description?: string;
  format?: string;
  pattern?: string;
  additionalProperties?: unknown;
  /** Alternatives: a `$ref` to a model the view lists in `@ApiExtraModels`, or a null-only schema. */
  anyOf?: JsonSchema[];
}

const PRIMITIVES = new Map<unknown, JsonSchema>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
  [Date, { type: 'string', format: 'date-time' }],
  [Object, { type: 'object' }],
]);

/**
 * The JSON Schema of a view class, read from the `@ApiProperty` metadata the OpenAPI document is
 * generated from: one definition serves the API, the event payloads and the event catalog. Views
 * are fully known, so objects allow no other properties; a property is required unless declared
 * optional.
 */
export function schemaOfView(view: ClassType): JsonSchema {
  const prototype = view.prototype as object;
  const keys = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, prototype) ??
    []) as string[];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const key of keys.map((entry) => entry.replace(/^:/, ''))) {
    const metadata = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, key) as
      PropertyMetadata | undefined;
    if (!metadata) continue;
    properties[key] = metadata.anyOf
      ? {
          anyOf: metadata.anyOf.map((option) => schemaOfOption(view, option)),
          ...(metadata.description ? { description: metadata.description } : {}),
        }
      : schemaOfProperty(metadata);
    if (metadata.required !== false) required.push(key);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/** One alternative of `anyOf`: a referenced view by its schema name, or OpenAPI 3.0's way of writing null. */
function schemaOfOption(view: ClassType, option: JsonSchema): JsonSchema {
  if (
    option.nullable === true &&
    Array.isArray(option.enum) &&
    option.enum.every((v) => v === null)
  )
    return { type: 'null' };
  if (typeof option.$ref !== 'string') return option;
  const name = option.$ref.split('/').pop();
  const models = (Reflect.getMetadata(DECORATORS.API_EXTRA_MODELS, view) ?? []) as ClassType[];
  const model = models.find((candidate) => candidate.name === name);
  if (!model) throw new Error(`${view.name}: ${option.$ref} is not among its @ApiExtraModels`);
  return schemaOfView(model);
}

function schemaOfProperty(metadata: PropertyMetadata): JsonSchema {
  const single = schemaOfType(metadata);
  const described = metadata.description
    ? { ...single, description: metadata.description }
    : single;
  const many =
    metadata.isArray && single.type !== 'array'
      ? { type: 'array', items: single, ...pick(described, 'description') }
      : described;
  return metadata.nullable ? nullable(many) : many;
}

function schemaOfType(metadata: PropertyMetadata): JsonSchema {
  const extras: JsonSchema = {};
  if (metadata.format) extras.format = metadata.format;
  if (metadata.pattern) extras.pattern = metadata.pattern;
  if (metadata.enum) extras.enum = [...metadata.enum];
  const type = metadata.type;
  if (type === 'array') return { type: 'array', items: metadata.items ?? {} };
  if (typeof type === 'string') {
    const object =
      type === 'object' && metadata.additionalProperties !== undefined
        ? { additionalProperties: metadata.additionalProperties }
        : {};
    return { type, ...object, ...extras };
  }
  if (PRIMITIVES.has(type)) return { ...PRIMITIVES.get(type), ...extras };
  if (typeof type === 'function') {
    // A class, or a thunk returning one (`type: () => View`): thunks have no prototype.
    const resolved = type.prototype ? type : (type as () => unknown)();
    if (PRIMITIVES.has(resolved)) return { ...PRIMITIVES.get(resolved), ...extras };
    return schemaOfView(resolved as ClassType);
  }
  // No type at all: an enum's values say what they are.
  return metadata.enum ? { type: typeof metadata.enum[0], ...extras } : extras;
}

/** `null` allowed too; an enum has to list it as well. */
function nullable(schema: JsonSchema): JsonSchema {
  if (typeof schema.type !== 'string' || (schema.type === 'object' && schema.properties))
    return { anyOf: [schema, { type: 'null' }] };
  const enumerated = Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
  return { ...schema, type: [schema.type, 'null'], ...enumerated };
}

function pick(schema: JsonSchema, key: string): JsonSchema {
  return key in schema ? { [key]: schema[key] } : {};
}

/**
 * The same schema for an OpenAPI 3.0 document, which has no `null` type: `nullable: true` instead
 * (used for `x-webhooks`, since the generator writes OpenAPI 3.0).
 */
export function toOpenApi30(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApi30);
  if (typeof schema !== 'object' || schema === null) return schema;
  const source = schema as JsonSchema;
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(source)) {
    if (keyword === '$schema') continue;
    if (keyword === 'type' && Array.isArray(value)) {
      const types = value.filter((type) => type !== 'null');
      out.type = types[0];
      if (types.length < value.length) out.nullable = true;
    } else if (keyword === 'anyOf' && Array.isArray(value) && isNullUnion(value)) {
      const [other] = value.filter((option) => !isNullType(option));
      Object.assign(out, toOpenApi30(other), { nullable: true });
    } else if (keyword === 'const') {
      out.enum = [value];
    } else if (keyword === 'enum' && Array.isArray(value)) {
      out.enum = value.filter((option) => option !== null);
    } else {
      out[keyword] = toOpenApi30(value);
    }
  }
  return out;
}

const isNullType = (option: unknown) =>
  typeof option === 'object' && option !== null && (option as JsonSchema).type === 'null';
const isNullUnion = (options: unknown[]) => options.length === 2 && options.some(isNullType);
