import { MigrationObject } from '@mikro-orm/core';
import { Migration20261124053709 } from './Migration20261124053709';
import { Migration20261124054203 } from './Migration20261124054203';
import { Migration20261124054510 } from './Migration20261124054510';
import { Migration20261124054654 } from './Migration20261124054654';
import { Migration20261124062311 } from './Migration20261124062311';
import { Migration20261201033947 } from './Migration20261201033947';
import { Migration20261201034311 } from './Migration20261201034311';
import { Migration20261201034416 } from './Migration20261201034416';
import { Migration20261201064956 } from './Migration20261201064956';
import { Migration20261201065651 } from './Migration20261201065651';
import { Migration20261201070000 } from './Migration20261201070000';
import { Migration20261207013000 } from './Migration20261207013000';
import { Migration20261207014000 } from './Migration20261207014000';

/**
 * Every migration, in order. Listed explicitly (not discovered from disk) so the built app, the
 * CLI and the tests all run the same set. Add a new migration here after creating it.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261124053709', class: Migration20261124053709 },
  { name: 'Migration20261124054203', class: Migration20261124054203 },
  { name: 'Migration20261124054510', class: Migration20261124054510 },
  { name: 'Migration20261124054654', class: Migration20261124054654 },
  { name: 'Migration20261124062311', class: Migration20261124062311 },
  { name: 'Migration20261201033947', class: Migration20261201033947 },
  { name: 'Migration20261201034311', class: Migration20261201034311 },
  { name: 'Migration20261201034416', class: Migration20261201034416 },
  { name: 'Migration20261201064956', class: Migration20261201064956 },
  { name: 'Migration20261201065651', class: Migration20261201065651 },
  { name: 'Migration20261201070000', class: Migration20261201070000 },
  { name: 'Migration20261207013000', class: Migration20261207013000 },
  { name: 'Migration20261207014000', class: Migration20261207014000 },
];
