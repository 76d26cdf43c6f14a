import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/mysql';
import { ApiKeysService } from '../../auth/api-keys.service';
import { CreateApiKeyDto } from '../../auth/dto/api-key.dto';
import { Principal } from '../../auth/principal';
import { sha256 } from '../../auth/session-tokens';
import { NotFound } from '../../common/domain-errors';
import { createValidationPipe } from '../../common/validation';
import { AgentOperator, OperationHandler } from './agent-operator';
import {
  filterOf,
  FilterValue,
  OperationCall,
  okResult,
  resultPerValue,
} from './operation-results';
import { AnswerNode, node, textOf } from './packet';

interface KeyRow {
  id: number;
  name: string;
  allowed_ips: string[] | string | null;
  login: string;
}

const addressesOf = (row: KeyRow): string => {
  const ips =
    typeof row.allowed_ips === 'string'
      ? (JSON.parse(row.allowed_ips) as string[])
      : row.allowed_ips;
  return (ips ?? []).join(',');
};

/**
 * Plesk's `secret_key` operator over API keys. A key made here is a full-access key of the calling
 * administrator, bound to `ip_address` (or to the caller's address, as Plesk does). Only a key's
 * SHA-256 is stored, so `get_info` shows the key itself only when the filter names it; listing all
 * shows `#<id>` in its place.
 */
@Injectable()
export class SecretKeyOperator implements AgentOperator {
  readonly name = 'secret_key';
  readonly reads = ['get_info'];
  readonly fields = { allowedIps: 'ip_address', name: 'description', login: 'login' };
  readonly operations: Record<string, OperationHandler> = {
    create: (auth, call) => this.create(auth, call),
    get_info: (_auth, call) => this.getInfo(call),
    delete: (_auth, call) => this.delete(call),
  };

  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly em: EntityManager,
  ) {}

  private async create(
    auth: Principal,
    { operation, clientIp }: OperationCall,
  ): Promise<AnswerNode[]> {
    const ip = textOf(operation, 'ip_address');
    const dto = (await createValidationPipe().transform(
      {
        name: textOf(operation, 'description') || 'Plesk XML API key',
        access: 'full',
        allowedIps: [ip || clientIp],
      },
      { type: 'body', metatype: CreateApiKeyDto },
    )) as CreateApiKeyDto;
    const created = await this.apiKeys.create(auth, dto, textOf(operation, 'login') || undefined);
    return [okResult(node('key', created.key))];
  }

  private async getInfo({ operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, ['key'], true);
    if (filter === 'all')
      return (await this.keys()).map((row) => okResult(keyInfo(`#${row.id}`, row)));
    return resultPerValue(filter, this.fields, async ({ value }) => {
      const [row] = await this.keys(value);
      if (!row) throw new NotFound('Secret key', 'with this value');
      return [[keyInfo(value, row)]];
    });
  }

  private delete({ operation }: OperationCall): Promise<AnswerNode[]> {
    const filter = filterOf(operation, ['key'], false) as FilterValue[];
    return resultPerValue(filter, this.fields, async ({ value }) => {
      await this.apiKeys.revokeByKey(value);
      return [[node('key', value)]];
    });
  }

  /** Keys that still work, with their administrator's login; one key when `key` is given. */
  private keys(key?: string): Promise<KeyRow[]> {
    return this.em.execute<KeyRow[]>(
      `SELECT k.id, k.name, k.allowed_ips, a.username AS login
         FROM api_key k JOIN administrator a ON a.id = k.administrator_id
        WHERE k.revoked_at IS NULL ${key === undefined ? '' : 'AND k.key_hash = ?'}
        ORDER BY k.id`,
      key === undefined ? [] : [sha256(key)],
    );
  }
}

function keyInfo(key: string, row: KeyRow): AnswerNode {
  return node('key_info', [
    node('key', key),
    node('ip_address', addressesOf(row)),
    node('description', row.name),
    node('login', row.login),
  ]);
}
