/**
 * Identical work in flight is done once: the first caller starts it, callers with the same key while it
 * runs get the same promise. Nothing is cached after it settles — a later call reads afresh.
 */
export class InFlight<V> {
  private readonly running = new Map<string, Promise<V>>();
  private joinedCount = 0;

  /** Callers that joined work already running (for tests and benchmarks). */
  get joined(): number {
    return this.joinedCount;
  }

  get size(): number {
    return this.running.size;
  }

  run(key: string, start: () => Promise<V>): Promise<V> {
    const existing = this.running.get(key);
    if (existing) {
      this.joinedCount += 1;
      return existing;
    }
    const work = start();
    this.running.set(key, work);
    const forget = () => {
      if (this.running.get(key) === work) this.running.delete(key);
    };
    work.then(forget, forget);
    return work;
  }
}
