import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ApiKeysService } from '../../auth/api-keys.service';
import { AuthenticatedRequest } from '../../auth/auth.decorators';
import { apiKeyOf } from '../../auth/auth.guard';
import { AuthService } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { Unauthenticated } from '../../common/domain-errors';

/**
 * Plesk's two ways in: `X-API-Key` (any administrator's key, with its access and addresses) or
 * HTTP Basic with an administrator's username and password. Customers never get in.
 */
@Injectable()
export class PleskAuthGuard implements CanActivate {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.authenticate(request);
    return true;
  }

  private authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const ip = request.ip ?? '';
    const key = apiKeyOf(request);
    if (key !== undefined) return this.apiKeys.authenticate(key, ip, request.method);
    const basic = basicCredentials(request.headers.authorization);
    if (!basic)
      throw new Unauthenticated(
        "Send an API key as X-API-Key, or an administrator's username and password with HTTP Basic.",
      );
    return this.auth.authenticateAdministrator(ip, basic.username, basic.password);
  }
}

function basicCredentials(
  header: string | undefined,
): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]{1,1400})\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
