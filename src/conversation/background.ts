/**
 * Work that outlives its turn (triage after the progress card, grant after the invoke answer). Tracked so
 * that shutdown can let it finish briefly and then abort it, and so that tests can wait for it.
 */
import { setMaxListeners } from 'node:events';
export interface Logger {
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
  error(message: string, detail?: Record<string, unknown>): void;
}

export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();
  private readonly controller = new AbortController();

  /** Nothing here limits how much runs at once: CPU work is paced by the WorkScheduler, not by counting jobs. */
  constructor(private readonly log: Logger) {
    // Every job and every read inside it listens to this one signal by design; Node's default warning at
    // eleven listeners would only be noise under load.
    setMaxListeners(0, this.controller.signal);
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts `fn` now, never rejects: failures are logged under `name`. */
  run(name: string, fn: (signal: AbortSignal) => Promise<void>): void {
    const job = (async () => {
      try {
        if (this.controller.signal.aborted) return;
        await fn(this.controller.signal);
      } catch (error) {
        this.log.error(`${name} failed`, { error: error instanceof Error ? error.message : String(error) });
      }
    })();
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  /** Resolves when nothing is running (work started meanwhile is waited for too). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Waits up to `graceMs` for running work, then aborts what is left. True if everything finished. */
  async drain(graceMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const finished = await Promise.race([this.idle().then(() => true as const), timeout]);
    clearTimeout(timer);
    if (!finished) this.controller.abort(new Error('shutting down'));
    return finished;
  }
}
