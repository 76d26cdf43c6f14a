import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { AGENT_ERROR, AgentError } from './agent-errors';
import { AgentOperator, OperationHandler } from './agent-operator';
import { OperationCall, okResult } from './operation-results';
import { AnswerNode, node } from './packet';

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
    get: (_auth, call) => Promise.resolve([okResult(...this.get(call))]),
  };
  /** The same in every process of a deployment: its database and Redis prefix name it. */
  private readonly serverGuid: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.serverGuid = guidFrom(`${databaseOf(config.databaseUrl)}/${config.redisPrefix}`);
  }

  private get({ operation, host }: OperationCall): AnswerNode[] {
    return operation.children.map((part) => {
      if (part.name === 'gen_info')
        return node('gen_info', [node('server_name', host), node('server_guid', this.serverGuid)]);
      if (part.name === 'key')
        return node(
          'key',
          KEY_PROPERTIES.map(([name, value]) =>
            node('property', [node('name', name), node('value', value)]),
          ),
        );
      throw new AgentError(
        AGENT_ERROR.parseError,
        `server get answers gen_info and key, not <${part.name}>.`,
      );
    });
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
