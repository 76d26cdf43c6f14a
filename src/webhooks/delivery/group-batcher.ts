/**
 * Collects calls made while a batch is in flight (or within one tick) and serves them with one
 * call of `run`, so concurrent deliveries share a query instead of each making its own: the
 * database work per delivery shrinks as load grows (group commit). `run` returns one result per item,
 * in order.
 */
export class GroupBatcher<I, O> {
  private pending: Array<{
    item: I;
    resolve: (value: O) => void;
    reject: (error: unknown) => void;
  }> = [];
  private inFlight = 0;
  private scheduled = false;

  /** `maxInFlight` calls of `run` may overlap (1: each waits for the previous one). */
  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
    private readonly maxInFlight = 1,
  ) {}

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight >= this.maxInFlight || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= this.maxInFlight || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatch);
    this.inFlight += 1;
    try {
      const results = await this.run(batch.map((entry) => entry.item));
      batch.forEach((entry, i) => entry.resolve(results[i]));
    } catch (error) {
      batch.forEach((entry) => entry.reject(error));
    } finally {
      this.inFlight -= 1;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
