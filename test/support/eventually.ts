/**
 * Polls until `read` returns `expected`, and returns the last value read, so the caller's
 * expect() reports what it saw when time ran out. The one way tests wait for something to happen
 * (`eventually(async () => condition, true)`); to show that something did NOT happen, wait for a
 * later marker (an event written after it) instead of sleeping. Node-side polling, because the
 * panel's CSP forbids the string evaluation that page.waitForFunction would need.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  expected: T,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
