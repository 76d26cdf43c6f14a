/**
 * Per-process bookkeeping of deliveries in flight per endpoint, so one slow consumer cannot take
 * every delivery slot. An endpoint counts as slow while its oldest request in flight has run longer
 * than `slowMs`, or when its last attempt took that long (a timeout, say); a slow endpoint gets at
 * most `slowShare` of the slots. Fast endpoints are never limited, so a burst to one healthy
 * consumer still uses every slot.
 */
export class EndpointSlots {
  private readonly inFlight = new Map<number, number[]>();
  private readonly lastWasSlow = new Set<number>();

  constructor(
    private readonly slowShare: number,
    private readonly slowMs: number,
  ) {}

  /** Takes a slot, or returns false when this endpoint is slow and already holds its share. */
  tryAcquire(endpointId: number, now = Date.now()): boolean {
    const started = this.inFlight.get(endpointId) ?? [];
    const slow =
      this.lastWasSlow.has(endpointId) || (started.length > 0 && now - started[0] > this.slowMs);
    if (slow && started.length >= this.slowShare) return false;
    started.push(now);
    this.inFlight.set(endpointId, started);
    return true;
  }

  /**
   * `longestRequestMs` is the slowest request the slot made (a batch makes many, one after another);
   * without it, the slot's whole time counts. Null when it sent nothing.
   */
  release(
    endpointId: number,
    startedAt: number,
    now = Date.now(),
    longestRequestMs?: number | null,
  ): void {
    const started = this.inFlight.get(endpointId) ?? [];
    const index = started.indexOf(startedAt);
    if (index >= 0) started.splice(index, 1);
    if (started.length === 0) this.inFlight.delete(endpointId);
    if (longestRequestMs === null) return;
    if ((longestRequestMs ?? now - startedAt) > this.slowMs) this.lastWasSlow.add(endpointId);
    else this.lastWasSlow.delete(endpointId);
  }
}
