import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Forbidden, Unauthenticated } from '../common/domain-errors';
import { AuthenticatedRequest, PUBLIC_ROUTE, ROLES } from './auth.decorators';
import { PrincipalRole } from './auth-session.entity';
import { SessionsService } from './sessions.service';
import { CSRF_HEADER, sameHash, SESSION_COOKIE } from './session-tokens';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a principal unless marked `@Public()`. Accepts a bearer token or
 * the panel's session cookie; a cookie-authenticated change also needs the CSRF header.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const bearer =
      typeof header === 'string' && /^Bearer\s+/i.test(header)
        ? header.replace(/^Bearer\s+/i, '').trim()
        : undefined;
    const cookie = (request.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token || token.length > 200)
      throw new Unauthenticated('Send a bearer token from POST /api/v1/auth/login.');

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
    request.principal = { ...session.principal, via };

    const roles = this.reflector.getAllAndOverride<PrincipalRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(session.principal.role)) {
      throw new Forbidden(`This needs the role ${roles.join(' or ')}.`);
    }
    return true;
  }
}
