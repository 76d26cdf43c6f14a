/**
 * When the next attempt happens. The schedule lists offsets from the first attempt (5 s, 5 min, ...
 * 24 h), so retries span about a day; each wait gets up to 10 % of its gap as jitter, so consumers
 * coming back from an outage are not hit by every retry at once. A Retry-After from the consumer
 * is honoured when it asks for a longer wait. After `scheduleMs.length` retries a delivery is failed.
 */
export function nextRetryDelayMs(
  scheduleMs: number[],
  failedAttempt: number,
  firstAttemptAt: number,
  retryAfterMs: number | null,
  now = Date.now(),
  random = Math.random,
): number {
  const index = Math.min(failedAttempt, scheduleMs.length) - 1;
  const gap = scheduleMs[index] - (index > 0 ? scheduleMs[index - 1] : 0);
  const scheduled = firstAttemptAt + scheduleMs[index] - now + random() * 0.1 * gap;
  return Math.round(Math.max(scheduled, retryAfterMs ?? 0, 0));
}
