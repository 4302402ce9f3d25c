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

export interface BackgroundOptions {
  /**
   * At most this many jobs of one `lane` run at once; the rest wait their turn. Triage is CPU-heavy
   * (evidence, checks, cards): unbounded, 200 simultaneous checks starve the event loop and every turn —
   * including approvals — waits seconds behind them. Jobs without a lane (grants) never wait.
   */
  laneLimits?: Record<string, number>;
}

export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  private readonly lanes = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(
    private readonly log: Logger,
    private readonly options: BackgroundOptions = {},
  ) {
    // Every job and every read inside it listens to this one signal by design; Node's default warning at
    // eleven listeners would only be noise under load.
    setMaxListeners(0, this.controller.signal);
  }

  get size(): number {
    return this.running.size;
  }

  /** Starts `fn` now (or when its lane has room), never rejects: failures are logged under `name`. */
  run(name: string, fn: (signal: AbortSignal) => Promise<void>, options: { lane?: string } = {}): void {
    const job = (async () => {
      const release = await this.enter(options.lane);
      try {
        if (this.controller.signal.aborted) return;
        await fn(this.controller.signal);
      } catch (error) {
        this.log.error(`${name} failed`, { error: error instanceof Error ? error.message : String(error) });
      } finally {
        release();
      }
    })();
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  private async enter(lane: string | undefined): Promise<() => void> {
    const limit = lane === undefined ? undefined : this.options.laneLimits?.[lane];
    if (lane === undefined || limit === undefined) return () => undefined;
    let state = this.lanes.get(lane);
    if (!state) {
      state = { active: 0, waiting: [] };
      this.lanes.set(lane, state);
    }
    const s = state;
    if (s.active >= limit) await new Promise<void>((resolve) => s.waiting.push(resolve));
    s.active += 1;
    return () => {
      s.active -= 1;
      s.waiting.shift()?.();
    };
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
