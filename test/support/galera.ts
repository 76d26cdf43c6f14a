import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { assertChildrenAllowed, trackChild } from './child-processes';
import { freePort } from './private-redis';

const PROVIDER = '/usr/lib/galera/libgalera_smm.so';

/** One mariadbd of the cluster: its own datadir, SQL port, socket and Galera ports. */
export interface GaleraNode {
  name: string;
  port: number;
  /** DATABASE_URL of a database through this node. */
  url(database: string): string;
  /** SIGKILLs the node, as a lost machine; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again (it rejoins, with a state transfer); resolves once it is Synced. */
  restart(): Promise<void>;
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  /** The result of `CHECKSUM TABLE` for each table on each running node, to compare. */
  checksums(database: string, tables: string[]): Promise<Array<Record<string, string>>>;
  /** Kills every node and removes the datadirs (call in afterAll). */
  remove(): Promise<void>;
}

interface NodePorts {
  sql: number;
  gcomm: number;
  ist: number;
  sst: number;
}

/**
 * A real MariaDB Galera cluster on this machine (Debian's galera-4): `size` mariadbd processes on
 * 127.0.0.1, the first bootstrapping the cluster (--wsrep-new-cluster), the others joining it one
 * after the other by rsync state transfer. Every node accepts writes.
 */
export async function startGaleraCluster(size = 3): Promise<GaleraCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-galera-'));
  // A joiner's rsync daemon runs as nobody (rsync's default under root): it must reach the datadirs.
  chmodSync(dir, 0o755);
  const ports: NodePorts[] = [];
  for (let i = 0; i < size; i += 1) {
    ports.push({
      sql: await freePort(),
      gcomm: await freePort(),
      ist: await freePort(),
      sst: await freePort(),
    });
  }
  const members = ports.map((p) => `127.0.0.1:${p.gcomm}`).join(',');
  const nodes = ports.map(
    (p, i) => new Node(`node${i + 1}`, join(dir, `node${i + 1}`), p, members),
  );
  try {
    await nodes[0].install();
    await nodes[0].start(true);
    for (const node of nodes.slice(1)) {
      await node.install();
      await node.start(false);
    }
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes: nodes.map((node) => ({
      name: node.name,
      port: node.ports.sql,
      url: (database) => `mysql://root@127.0.0.1:${node.ports.sql}/${database}`,
      kill: () => node.kill(),
      restart: () => node.start(false),
    })),
    checksums: (database, tables) =>
      Promise.all(
        nodes
          .filter((node) => node.running)
          .map(async (node) => {
            const rows = await node.query<{ Table: string; Checksum: string }>(
              `CHECKSUM TABLE ${tables.map((t) => `\`${database}\`.\`${t}\``).join(', ')}`,
            );
            return Object.fromEntries(rows.map((row) => [row.Table, String(row.Checksum)]));
          }),
      ),
    remove: async () => {
      await Promise.all(nodes.map((node) => node.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

class Node {
  private server: { child: ChildProcess; exited: Promise<void> } | undefined;

  constructor(
    readonly name: string,
    private readonly dir: string,
    readonly ports: NodePorts,
    private readonly members: string,
  ) {}

  get running(): boolean {
    return this.server !== undefined;
  }

  async install(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    await promisify(execFile)('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      '--user=root',
      '--skip-test-db',
      '--auth-root-authentication-method=normal',
    ]);
  }

  /** Starts the node and resolves once it is Synced with the cluster. */
  async start(bootstrap: boolean): Promise<void> {
    assertChildrenAllowed();
    // The rsync state transfer writes into a joiner's datadir as nobody (see above).
    if (!bootstrap) await promisify(execFile)('chown', ['-R', 'nobody', join(this.dir, 'data')]);
    const { sql, gcomm, ist, sst } = this.ports;
    const args = [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--port=${sql}`,
      `--socket=${join(this.dir, 'mariadb.sock')}`,
      `--pid-file=${join(this.dir, 'mariadb.pid')}`,
      // Its own tmpdir: mariadbd deletes `#sql*` files in it at start (see private-mariadb.ts).
      `--tmpdir=${this.dir}`,
      '--bind-address=127.0.0.1',
      '--user=root',
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=48M',
      '--innodb-flush-log-at-trx-commit=2',
      '--innodb-autoinc-lock-mode=2',
      '--binlog-format=ROW',
      '--max-connections=200',
      '--wsrep-on=ON',
      `--wsrep-provider=${PROVIDER}`,
      '--wsrep-cluster-name=clientele-test',
      `--wsrep-node-name=${this.name}`,
      `--wsrep-node-address=127.0.0.1:${gcomm}`,
      `--wsrep-cluster-address=gcomm://${this.members}`,
      `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${gcomm};ist.recv_addr=127.0.0.1:${ist};gcache.size=32M`,
      '--wsrep-sst-method=rsync',
      `--wsrep-sst-receive-address=127.0.0.1:${sst}`,
      ...(bootstrap ? ['--wsrep-new-cluster'] : []),
    ];
    const child = spawn('mariadbd', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    trackChild(child, `galera ${this.name} :${sql}`);
    let log = '';
    child.stdout?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.server = { child, exited };
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.name} exited:\n${log.slice(-3000)}`);
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not sync:\n${log.slice(-3000)}`);
      if (log.includes('ready for connections') && (await this.synced())) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async kill(): Promise<void> {
    if (!this.server) return;
    const { child, exited } = this.server;
    this.server = undefined;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }

  async query<T>(sql: string): Promise<T[]> {
    const connection = await createConnection({
      host: '127.0.0.1',
      port: this.ports.sql,
      user: 'root',
    });
    try {
      const [rows] = await connection.query(sql);
      return rows as T[];
    } finally {
      await connection.end();
    }
  }

  private async synced(): Promise<boolean> {
    try {
      const rows = await this.query<{ Variable_name: string; Value: string }>(
        "SHOW STATUS WHERE Variable_name IN ('wsrep_local_state_comment', 'wsrep_ready')",
      );
      const status = Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value]));
      return status.wsrep_local_state_comment === 'Synced' && status.wsrep_ready === 'ON';
    } catch {
      return false;
    }
  }
}
