import { PrincipalRole } from './auth-session.entity';

/** How a request proved who it is. */
export type AuthenticatedVia = 'bearer' | 'cookie' | 'api-key' | 'basic';

/** Who is making a request: resolved from a token, session cookie or API key on every request. */
export interface Principal {
  /** The session of a bearer token or cookie; null for API keys and HTTP Basic. */
  sessionId: string | null;
  role: PrincipalRole;
  /** The administrator's or the customer's id. */
  id: number;
  username: string;
  /** Set for customers: the account they may see. */
  customerId: number | null;
  via: AuthenticatedVia;
  /** Set when an API key authenticated the request: it, not its administrator, is the actor. */
  apiKeyId?: number;
}

/** How events and the audit trail name who did something. */
export type Actor = string;
export const SYSTEM_ACTOR: Actor = 'system';
export const actorOf = (principal: Principal | undefined): Actor => {
  if (!principal) return SYSTEM_ACTOR;
  if (principal.apiKeyId !== undefined) return `apikey:${principal.apiKeyId}`;
  return `${principal.role}:${principal.id}`;
};
