import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, Unauthenticated } from '../common/domain-errors';
import { ApiKeysService, API_KEY_PREFIX } from './api-keys.service';
import { AuthenticatedRequest, PUBLIC_ROUTE, ROLES } from './auth.decorators';
import { PrincipalRole } from './auth-session.entity';
import { Principal } from './principal';
import { SessionsService } from './sessions.service';
import { CSRF_HEADER, sameHash, SESSION_COOKIE } from './session-tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const API_KEY_HEADER = 'x-api-key';
const MAX_CREDENTIAL_LENGTH = 200;

/** The bearer token of the Authorization header, if any. */
export function bearerOf(request: AuthenticatedRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && /^Bearer\s+/i.test(header)
    ? header.replace(/^Bearer\s+/i, '').trim()
    : undefined;
}

/** The API key of a request: the X-API-Key header, or a bearer token that is a key (`ck_`). */
export function apiKeyOf(request: AuthenticatedRequest): string | undefined {
  const header = request.headers[API_KEY_HEADER];
  if (typeof header === 'string') return header.trim();
  const bearer = bearerOf(request);
  return bearer?.startsWith(API_KEY_PREFIX) ? bearer : undefined;
}

/**
 * Global guard: every route needs a principal unless marked `@Public()`. Accepts an API key, a
 * bearer token or the panel's session cookie; a cookie-authenticated change also needs the CSRF
 * header. A key is only ever read from a header, so it never opens the cookie session.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.principal = await this.authenticate(request);

    const roles = this.reflector.getAllAndOverride<PrincipalRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new Forbidden(`This needs the role ${roles.join(' or ')}.`);
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<Principal> {
    const apiKey = apiKeyOf(request);
    if (apiKey !== undefined)
      return this.apiKeys.authenticate(apiKey, request.ip ?? '', request.method);

    const bearer = bearerOf(request);
    const cookie = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token || token.length > MAX_CREDENTIAL_LENGTH)
      throw new Unauthenticated(
        'Send a bearer token from POST /api/v1/auth/login, or an API key as X-API-Key.',
      );

    const session = await this.sessions.resolve(token);
    if (!session)
      throw new Unauthenticated('The token is unknown, expired or revoked. Log in again.');

    const via = bearer ? 'bearer' : 'cookie';
    if (via === 'cookie' && !SAFE_METHODS.has(request.method)) {
      const csrf = request.headers[CSRF_HEADER];
      if (typeof csrf !== 'string' || !sameHash(csrf, session.csrfHash)) {
        throw new Forbidden(
          'A request authenticated by the session cookie must send the X-CSRF-Token header.',
        );
      }
    }
    return { ...session.principal, via };
  }
}
