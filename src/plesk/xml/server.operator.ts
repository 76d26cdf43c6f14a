import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AGENT_ERROR, AgentError } from './agent-errors';
import { AgentOperator, OperationHandler } from './agent-operator';
import { OperationCall, okResult } from './operation-results';
import { AnswerNode, node } from './packet';

/** clientele's own version where Plesk reports its own: npm sets it (`npm start`), else empty. */
const VERSION = process.env.npm_package_version ?? '';

/** The protocol versions clientele speaks, oldest first, as Plesk lists them. */
export const PROTOCOL_VERSIONS = [
  '1.4.0.0',
  '1.4.1.0',
  '1.4.1.1',
  '1.4.1.2',
  '1.4.2.0',
  '1.5.0.0',
  '1.5.1.0',
  '1.5.2.0',
  '1.5.2.1',
  '1.6.0.0',
  '1.6.0.1',
  '1.6.0.2',
  '1.6.1.0',
  '1.6.2.0',
  '1.6.3.0',
  '1.6.3.1',
  '1.6.3.2',
  '1.6.3.3',
  '1.6.3.4',
  '1.6.3.5',
  '1.6.4.0',
  '1.6.5.0',
  '1.6.6.0',
  '1.6.7.0',
  '1.6.8.0',
  '1.6.9.0',
  '1.6.9.1',
] as const;
export const NEWEST_PROTOCOL = PROTOCOL_VERSIONS[PROTOCOL_VERSIONS.length - 1];

/** What a billing system checks before it provisions: it may manage customers, without limits. */
const KEY_PROPERTIES: Array<[string, string | number]> = [
  ['can-manage-customers', 1],
  ['can-manage-resellers', 0],
  ['lim_cl', -1],
  ['lim_dom', -1],
];

/** Plesk's `server` operator: what clients probe first. */
@Injectable()
export class ServerOperator implements AgentOperator {
  readonly name = 'server';
  readonly reads = ['get_protos', 'get'];
  readonly fields = {};
  readonly operations: Record<string, OperationHandler> = {
    get_protos: () => Promise.resolve([okResult(protos())]),
    get: async (_auth, call) => [okResult(...(await this.get(call)))],
  };
  /** The same in every process of a deployment: its database and Redis prefix name it. */
  private readonly serverGuid: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly em: EntityManager,
  ) {
    this.serverGuid = guidFrom(`${databaseOf(config.databaseUrl)}/${config.redisPrefix}`);
  }

  /** What was asked for, in the order asked. */
  private get({ operation, host }: OperationCall): Promise<AnswerNode[]> {
    return Promise.all(
      operation.children.map(async (part) => {
        if (part.name === 'gen_info')
          return node('gen_info', [
            node('server_name', host),
            node('server_guid', this.serverGuid),
          ]);
        if (part.name === 'key')
          return node(
            'key',
            KEY_PROPERTIES.map(([name, value]) =>
              node('property', [node('name', name), node('value', value)]),
            ),
          );
        if (part.name === 'stat') return this.statistics();
        throw new AgentError(
          AGENT_ERROR.parseError,
          `server get answers gen_info, key and stat, not <${part.name}>.`,
        );
      }),
    );
  }

  /**
   * The counts clientele has, its version and the process's uptime: what billing systems read to
   * test a connection (FOSSBilling reads `other/uptime`).
   */
  private async statistics(): Promise<AnswerNode> {
    const [counts] = await this.em.execute<
      Array<{ clients: number; domains: number; active_domains: number }>
    >(
      `SELECT (SELECT COUNT(*) FROM customer) AS clients, (SELECT COUNT(*) FROM domain) AS domains,
              (SELECT COUNT(*) FROM domain WHERE status = 'active') AS active_domains`,
    );
    return node('stat', [
      node('objects', [
        node('clients', Number(counts.clients)),
        node('domains', Number(counts.domains)),
        node('active_domains', Number(counts.active_domains)),
      ]),
      node('version', [node('plesk_name', 'clientele'), node('plesk_version', VERSION)]),
      node('other', [
        node('cpu', ''),
        node('uptime', Math.floor(process.uptime())),
        node('inside_vz', 'false'),
      ]),
    ]);
  }
}

const protos = (): AnswerNode =>
  node(
    'protos',
    PROTOCOL_VERSIONS.map((version) => node('proto', version)),
  );

function databaseOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port}${parsed.pathname}`;
  } catch {
    return url;
  }
}

function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
