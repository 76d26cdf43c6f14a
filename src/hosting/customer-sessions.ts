import { EntityManager } from '@mikro-orm/mysql';

/**
 * Ends every session of the given customers, in the caller's transaction when `em` is one: on
 * suspension (part of the cascade), password change and removal. `exceptSessionId` keeps the
 * caller's own. The one statement that revokes customers' sessions, shared by auth and suspension.
 */
export async function revokeCustomerSessions(
  em: EntityManager,
  customerIds: number[],
  exceptSessionId?: string,
): Promise<void> {
  if (customerIds.length === 0) return;
  // em.execute runs in em's transaction, if any, and converts driver errors (deadlocks) like the ORM does.
  await em.execute(
    `UPDATE auth_session SET revoked_at = UTC_TIMESTAMP(3)
      WHERE customer_id IN (${customerIds.map(() => '?').join(',')}) AND revoked_at IS NULL${exceptSessionId ? ' AND id <> ?' : ''}`,
    exceptSessionId ? [...customerIds, exceptSessionId] : customerIds,
    'run',
  );
}
