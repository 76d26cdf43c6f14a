import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../../auth/api-keys.service';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { AGENT_ERROR, AgentError, asAgentError } from './agent-errors';

/** Who sent a packet, and whether its API key may only read. */
export interface AgentCaller {
  principal: Principal;
  readOnly: boolean;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Plesk's two ways in: `HTTP_AUTH_LOGIN` + `HTTP_AUTH_PASSWD` of an administrator (throttled like
 * every login, by AuthService), or `KEY` with an API key. A customer's right password is 1006; a
 * wrong one, or too many failures, 1001.
 */
@Injectable()
export class AgentAuthentication {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly auth: AuthService,
  ) {}

  async authenticate(headers: IncomingHttpHeaders, clientIp: string): Promise<AgentCaller> {
    const key = header(headers, 'key');
    if (key !== undefined) return this.byKey(key, clientIp);
    const login = header(headers, 'http_auth_login');
    const password = header(headers, 'http_auth_passwd');
    if (!login || password === undefined)
      throw new AgentError(
        AGENT_ERROR.authenticationFailed,
        "Send an administrator's HTTP_AUTH_LOGIN and HTTP_AUTH_PASSWD, or an API key as KEY.",
      );
    try {
      const principal = await this.auth.authenticateAdministrator(clientIp, login, password);
      return { principal, readOnly: false };
    } catch (error) {
      throw asAgentError(error);
    }
  }

  private async byKey(key: string, clientIp: string): Promise<AgentCaller> {
    const checked =
      key === '' || key.length > 200
        ? { refusal: 'The API key is unknown or revoked.' }
        : await this.apiKeys.check(key, clientIp);
    if ('refusal' in checked) throw new AgentError(AGENT_ERROR.invalidSecretKey, checked.refusal);
    return { principal: checked.principal, readOnly: checked.access === 'read-only' };
  }
}
