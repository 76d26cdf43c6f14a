import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/mysql';
import { addAdministrator, resetAdministratorPassword } from './auth/administrators';
import { ConfigError, loadConfig } from './config/load-config';
import { buildOrmOptions } from './database/mikro-orm.options';
import { prepareDatabase } from './database/prepare-database';

const USAGE = `clientele operator commands (same environment as the service):
  npm run admin -- reset-admin-password <username>   new random password, printed once; ends that administrator's sessions
  npm run admin -- add-admin <username>              a further administrator with a random password, printed once
  npm run admin -- migrate                           create the database if missing and apply migrations`;

async function main(argv: string[]): Promise<number> {
  const [command, username] = argv;
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const target = { url: config.databaseUrl, poolMax: 2 };

  if (command === 'migrate') {
    const { migrated } = await prepareDatabase(target);
    process.stdout.write(
      migrated.length ? `Applied: ${migrated.join(', ')}\n` : 'Nothing to migrate.\n',
    );
    return 0;
  }
  if ((command !== 'reset-admin-password' && command !== 'add-admin') || !username) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  await prepareDatabase(target);
  const orm = await MikroORM.init(buildOrmOptions(target));
  try {
    const password =
      command === 'add-admin'
        ? await addAdministrator(orm, username)
        : await resetAdministratorPassword(orm, username);
    process.stdout.write(`Administrator "${username}": password "${password}" (shown only now)\n`);
    return 0;
  } finally {
    await orm.close(true);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
