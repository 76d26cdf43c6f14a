import { PrincipalRole } from './auth-session.entity';

/** Who is making a request: resolved from a token or session cookie on every request. */
export interface Principal {
  sessionId: string;
  role: PrincipalRole;
  /** The administrator's or the customer's id. */
  id: number;
  username: string;
  /** Set for customers: the account they may see. */
  customerId: number | null;
  via: 'bearer' | 'cookie';
}

/** How events and the audit trail name who did something. */
export type Actor = string;
export const SYSTEM_ACTOR: Actor = 'system';
export const actorOf = (principal: Principal | undefined): Actor =>
  principal ? `${principal.role}:${principal.id}` : SYSTEM_ACTOR;
