import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './private-redis';
import { assertChildrenAllowed, trackChild } from './child-processes';

/**
 * A MariaDB server of the test's own (its own datadir, port and socket), for fault tests that
 * kill and restart the database: the shared server on 3306 is never touched.
 */
export interface PrivateMariaDb {
  port: number;
  /** DATABASE_URL of a database on it. */
  url(database: string): string;
  /** SIGKILLs the server, as a crash or a lost node would; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same datadir; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Kills it and removes its datadir (call in afterAll). */
  remove(): Promise<void>;
}

export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-mariadb-'));
  const datadir = join(dir, 'data');
  await promisify(execFile)('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${datadir}`,
    '--user=root',
    '--skip-test-db',
    '--auth-root-authentication-method=normal',
  ]);
  const port = await freePort();
  const args = [
    '--no-defaults',
    `--datadir=${datadir}`,
    `--port=${port}`,
    `--socket=${join(dir, 'mariadb.sock')}`,
    `--pid-file=${join(dir, 'mariadb.pid')}`,
    // Its own temporary directory: at start mariadbd deletes every `#sql*` file in its tmpdir, and
    // in the shared /tmp those are the live temporary tables of the machine's main MariaDB
    // (a bulk chunk there then failed with EE_DELETE, "Error on delete of '/tmp/#sql-temptable-…'").
    `--tmpdir=${dir}`,
    '--bind-address=127.0.0.1',
    '--user=root',
    '--skip-grant-tables',
    '--skip-name-resolve',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=64M',
    // A commit reaches the OS at once, so it survives the process being killed (not a power cut).
    '--innodb-flush-log-at-trx-commit=2',
    '--max-connections=300',
  ];
  let server: { child: ChildProcess; exited: Promise<void> } | undefined;

  const start = async () => {
    assertChildrenAllowed();
    const child = spawn('mariadbd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child, 'private mariadbd');
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    server = { child, exited };
    const deadline = Date.now() + 60_000;
    while (!log.includes('ready for connections')) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited:\n${log.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`mariadbd did not start:\n${log.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const kill = async () => {
    if (!server) return;
    const { child, exited } = server;
    server = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  try {
    await start();
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    kill,
    restart: start,
    remove: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
