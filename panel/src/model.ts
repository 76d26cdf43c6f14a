/** The shapes of the API's responses (DESIGN.md section 3), as far as the panel reads them. */
export type Role = 'admin' | 'customer';
export type Status = 'active' | 'suspended';

export interface Me {
  id: number;
  username: string;
  role: Role;
  customerId: number | null;
  locale: string | null;
}

export interface ContactData {
  name: string;
  company: string | null;
  email: string;
  phone: string | null;
  fax: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  locale: string;
}

export interface Account extends ContactData {
  id: number;
  username: string;
  additionalInfo: string | null;
  status: Status;
  createdAt: string;
  updatedAt: string;
}

export interface Customer extends Account {
  description: string | null;
  externalId: string | null;
  version: number;
  counts: { subscriptions: number; domains: number };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Subscription {
  id: number;
  customerId: number;
  name: string;
  unicodeName?: string;
  plan: string;
  status: Status;
  suspendedReasons: string[];
  expiresAt: string | null;
  createdAt: string;
}

export interface Domain {
  id: number;
  subscriptionId: number;
  customerId?: number;
  name: string;
  unicodeName?: string;
  displayName?: string;
  status: Status;
  suspendedReasons: string[];
  createdAt: string;
}

export type BulkAction = 'suspend' | 'activate' | 'remove';

export interface JobResult {
  id: number;
  outcome: 'suspended' | 'activated' | 'removed' | 'unchanged' | 'not_found' | 'failed';
  error?: string;
}

export interface Job {
  id: number;
  action: BulkAction;
  state: 'queued' | 'running' | 'completed' | 'failed';
  total: number;
  processed: number;
  succeeded: number;
  failed: number;
  results: JobResult[];
  createdAt: string;
  finishedAt: string | null;
}

export interface Webhook {
  id: number;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  createdAt: string;
  secret?: string;
}

export interface WebhookDelivery {
  id: number;
  eventId?: string;
  eventType?: string;
  type?: string;
  attempt?: number;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  succeeded?: boolean;
  /** Where the delivery of this event now stands. */
  state?: DeliveryState | null;
  createdAt?: string;
  attemptedAt?: string;
}

export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/** The answer to resend and recover. */
export interface DeliveriesQueued {
  queued: number;
}

export interface AuditEntry {
  id: string;
  type: string;
  /** `admin:<id>`, `customer:<id>` or `system` */
  actor: string;
  object: { type: string; id: number };
  jobId: number | null;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Reads either a bare array or a page of items, so a list endpoint's exact shape does not matter. */
export function itemsOf<T>(body: T[] | Page<T> | { items: T[] }): T[] {
  return Array.isArray(body) ? body : body.items;
}

/** Suspension reasons in the order the panel names them (section 2's table). */
export const REASONS = ['admin', 'customer', 'subscription', 'expired'] as const;

/** Reasons may arrive as names or as a bit set; the panel always shows names. */
export function reasonsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'number') return REASONS.filter((_, bit) => (value & (1 << bit)) !== 0);
  return [];
}
