import { MikroORM } from '@mikro-orm/mysql';
import { retriedTransaction } from '../database/lock-conflicts';
import { randomBytes } from 'node:crypto';
import { Administrator } from './administrator.entity';
import { PasswordHasher } from './password-hasher';

export const randomPassword = () => randomBytes(18).toString('base64url');

/** Operator use cases on administrators, run from the command line (src/cli.ts). */
export async function resetAdministratorPassword(
  orm: MikroORM,
  username: string,
  password = randomPassword(),
): Promise<string> {
  const em = orm.em.fork();
  const admin = await em.findOne(Administrator, { username });
  if (!admin) throw new Error(`There is no administrator "${username}".`);
  await retriedTransaction(em, async (tx) => {
    admin.passwordHash = await new PasswordHasher().hash(password);
    admin.updatedAt = new Date();
    await tx.flush();
    // Whoever knew the old password must not stay signed in.
    await tx
      .getConnection()
      .execute(
        'UPDATE auth_session SET revoked_at = UTC_TIMESTAMP(3) WHERE administrator_id = ? AND revoked_at IS NULL',
        [admin.id],
        'run',
        tx.getTransactionContext(),
      );
  });
  return password;
}

export async function addAdministrator(
  orm: MikroORM,
  username: string,
  password = randomPassword(),
): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/.test(username))
    throw new Error(
      'A username has 1-60 characters [A-Za-z0-9._-] and starts with a letter or digit.',
    );
  const em = orm.em.fork();
  const taken = await em
    .getConnection()
    .execute<Array<{ n: number }>>(
      'SELECT (SELECT COUNT(*) FROM administrator WHERE username = ?) + (SELECT COUNT(*) FROM customer WHERE username = ?) AS n',
      [username, username],
    );
  if (Number(taken[0].n) > 0) throw new Error(`The username "${username}" is taken.`);
  em.create(Administrator, { username, passwordHash: await new PasswordHasher().hash(password) });
  await em.flush();
  return password;
}
