import { Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/mysql';
import { Administrator } from './administrator.entity';
import { randomPassword } from './administrators';
import { PasswordHasher } from './password-hasher';

/**
 * Creates the first administrator when there is none. Without ADMIN_PASSWORD a random password
 * is generated and printed this once; it is never stored in clear anywhere.
 */
export async function ensureFirstAdministrator(
  orm: MikroORM,
  username: string,
  password: string | undefined,
  logger: Pick<Logger, 'log'> = new Logger('Setup'),
): Promise<void> {
  const em = orm.em.fork();
  if ((await em.count(Administrator, {})) > 0) return;
  const chosen = password ?? randomPassword();
  em.create(Administrator, { username, passwordHash: await new PasswordHasher().hash(chosen) });
  await em.flush();
  if (password) {
    logger.log(
      `Created the first administrator "${username}" with the password from ADMIN_PASSWORD.`,
    );
  } else {
    // Printed on purpose, once: the operator has no other way to learn it.
    process.stdout.write(
      `\n  First administrator created: username "${username}", password "${chosen}"\n  It is shown only now. Change it with ADMIN_PASSWORD on a fresh database, or keep it safe.\n\n`,
    );
  }
}
