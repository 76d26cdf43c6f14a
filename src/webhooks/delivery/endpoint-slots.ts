/**
 * Per-process bookkeeping of deliveries in flight per endpoint, so one slow consumer cannot take
 * every delivery slot. An endpoint counts as slow when its last delivery's slowest request took
 * longer than `slowMs` (a timeout, say), or while a delivery of it has been in flight longer than
 * `slowMs` with no delivery of it finishing quickly in that time (it hangs); a slow endpoint gets at
 * most `slowShare` of the slots. A busy healthy consumer keeps finishing batches, however long each
 * batch waits for the sender, so a burst to it still uses every slot.
 */
export class EndpointSlots {
  private readonly inFlight = new Map<number, number[]>();
  private readonly lastWasSlow = new Set<number>();
  /** When a delivery of the endpoint last finished without a slow request. */
  private readonly lastAnsweredAt = new Map<number, number>();

  constructor(
    private readonly slowShare: number,
    private readonly slowMs: number,
  ) {}

  /** Takes a slot, or returns false when this endpoint is slow and already holds its share. */
  tryAcquire(endpointId: number, now = Date.now()): boolean {
    const started = this.inFlight.get(endpointId) ?? [];
    const hangs =
      started.length > 0 &&
      now - started[0] > this.slowMs &&
      now - (this.lastAnsweredAt.get(endpointId) ?? 0) > this.slowMs;
    const slow = this.lastWasSlow.has(endpointId) || hangs;
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
    else {
      this.lastWasSlow.delete(endpointId);
      this.lastAnsweredAt.set(endpointId, now);
    }
  }
}
