import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PrincipalRole } from './auth-session.entity';
import { Principal } from './principal';

export const PUBLIC_ROUTE = 'clientele:public';
export const ROLES = 'clientele:roles';

/** No authentication needed. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route (default: any authenticated principal). */
export const Roles = (...roles: PrincipalRole[]) => SetMetadata(ROLES, roles);
export const AdminOnly = () => Roles('admin');

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** The authenticated principal of the request. */
export const Auth = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('@Auth() used on a public route');
  return principal;
});
