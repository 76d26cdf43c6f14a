import 'reflect-metadata';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Customer } from '../hosting/customer.entity';
import { CustomerAdminView, toAdminView } from '../hosting/customer.views';
import { describeEvents, EVENT_DEFINITIONS } from './event-catalog';
import { EVENT_TYPES } from './event-types';
import { schemaOfView, toOpenApi30 } from './view-schema';

class Part {
  @ApiProperty() label!: string;
}

class Sample {
  @ApiProperty() id!: number;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ enum: ['a', 'b'], isArray: true }) letters!: string[];
  @ApiProperty({ type: [String] }) names!: string[];
  @ApiProperty({ type: () => Part }) part!: Part;
  @ApiProperty({ type: Part, nullable: true }) maybe!: Part | null;
  @ApiProperty({ type: String, nullable: true, enum: ['x'] }) choice!: string | null;
}

class JobSummary {
  @ApiProperty() id!: number;
}

const ajv = () => {
  const instance = new Ajv({ strict: true, allowUnionTypes: true });
  addFormats(instance);
  return instance;
};

describe('view schemas', () => {
  const validate = ajv().compile(schemaOfView(Sample));
  const valid = {
    id: 1,
    note: null,
    letters: ['a'],
    names: [],
    part: { label: 'p' },
    maybe: null,
    choice: 'x',
  };

  it('reads a view class into a closed JSON Schema: nullable, optional, arrays, enums, nested views', () => {
    expect(validate(valid)).toBe(true);
    expect(validate({ ...valid, error: 'e', maybe: { label: 'q' }, choice: null })).toBe(true);
  });

  it('refuses what the view does not declare', () => {
    for (const drift of [
      { ...valid, extra: 1 },
      { ...valid, part: { label: 'p', extra: 1 } },
      { ...valid, letters: ['c'] },
      { ...valid, note: 3 },
      { ...valid, choice: 'y' },
      Object.fromEntries(Object.entries(valid).filter(([key]) => key !== 'note')),
    ])
      expect(validate(drift)).toBe(false);
  });

  it('follows the customer view class, whatever fields it gains', () => {
    const customer = Object.assign(new Customer(), {
      id: 7,
      username: 'jdoe',
      name: 'Jane Doe',
      email: 'jane@example.com',
      version: 1,
    });
    // The real payloads are validated in test/event-catalog.e2e-spec.ts; here: the same fields.
    const schema = schemaOfView(CustomerAdminView);
    expect(Object.keys(schema.properties as object).sort()).toEqual(
      Object.keys(toAdminView(customer)).sort(),
    );
  });

  it('writes OpenAPI 3.0 schemas with nullable instead of a null type', () => {
    expect(toOpenApi30(schemaOfView(Sample))).toMatchObject({
      properties: {
        note: { type: 'string', nullable: true },
        maybe: { type: 'object', nullable: true, properties: { label: { type: 'string' } } },
        choice: { type: 'string', nullable: true, enum: ['x'] },
      },
    });
  });
});

describe('event catalog', () => {
  const catalog = describeEvents({ job: JobSummary });

  it('describes every event type once, each schema compiling', () => {
    expect(catalog.map((entry) => entry.name)).toEqual([...EVENT_TYPES]);
    expect(Object.keys(EVENT_DEFINITIONS).sort()).toEqual([...EVENT_TYPES].sort());
    const compiler = ajv();
    for (const entry of catalog) {
      expect(entry.description).not.toBe('');
      expect(() => compiler.compile(entry.schema)).not.toThrow();
    }
  });

  it('embeds the job view it is given in job.completed', () => {
    const job = catalog.find((entry) => entry.name === 'job.completed');
    const data = {
      eventId: 1,
      objectType: 'job',
      objectId: 3,
      customerId: null,
      sequence: null,
      actor: 'apikey:4',
      jobId: 3,
      job: { id: 3 },
    };
    const validate = ajv().compile(job?.schema ?? {});
    expect(validate(data)).toBe(true);
    expect(validate({ ...data, job: { id: 3, extra: true } })).toBe(false);
    expect(validate({ ...data, actor: 'nobody' })).toBe(false);
  });
});
