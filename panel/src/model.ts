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

/** Why, since when and by whom a customer is suspended (staff only). */
export interface Suspension {
  reason: string | null;
  suspendedAt: string | null;
  /** `admin:<id>`, `apikey:<id>` or `job:<id>` */
  suspendedBy: string | null;
}

export interface Customer extends Account {
  description: string | null;
  externalId: string | null;
  suspension: Suspension | null;
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

export type JobState = 'scheduled' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** What a bulk command may add: a suspension reason, and a time to run at. */
export interface JobPlan {
  reason?: string;
  /** ISO 8601 (UTC), from the user's local date and time. */
  runAt?: string;
}

export interface Job {
  id: number;
  action: BulkAction;
  state: JobState;
  /** When a scheduled job runs; null for one that ran at once. */
  runAt: string | null;
  reason: string | null;
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

/** An entry of the event catalog (GET /event-types). */
export interface EventType {
  name: string;
  description: string;
  /** JSON Schema of the event's `data`. */
  schema: Record<string, unknown>;
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
  createdAt?: string;
  attemptedAt?: string;
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
