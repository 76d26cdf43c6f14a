/**
 * Why a subscription or domain is suspended. Stored as a bit set (`suspended_reasons`) so that a
 * cascade over any number of rows is one set-based `UPDATE ... SET suspended_reasons = suspended_reasons | bit`.
 * An object is suspended while any bit is set.
 *
 * Subscriptions carry `admin`, `customer` and `expired`; domains carry `admin` and `subscription`
 * (set exactly while their subscription has any reason), so a customer's suspension reaches its
 * domains through their subscriptions.
 */
export enum SuspensionReason {
  Admin = 1,
  Customer = 2,
  Subscription = 4,
  Expired = 8,
}

export type SuspensionReasonName = 'admin' | 'customer' | 'subscription' | 'expired';

export const REASON_NAMES: ReadonlyArray<[SuspensionReason, SuspensionReasonName]> = [
  [SuspensionReason.Admin, 'admin'],
  [SuspensionReason.Customer, 'customer'],
  [SuspensionReason.Subscription, 'subscription'],
  [SuspensionReason.Expired, 'expired'],
];

/** Every bit of the set; reason columns never hold anything else. */
export const ALL_REASONS = REASON_NAMES.reduce((bits, [bit]) => bits | bit, 0);

export type SuspensionStatus = 'active' | 'suspended';
export const SUSPENSION_STATUSES: readonly SuspensionStatus[] = ['active', 'suspended'];

export function reasonsToNames(bits: number): SuspensionReasonName[] {
  return REASON_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}

export function statusOf(bits: number): SuspensionStatus {
  return bits === 0 ? 'active' : 'suspended';
}
