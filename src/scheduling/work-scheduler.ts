/**
 * Decides when background CPU work runs on the one event loop that also answers turns and approval presses.
 *
 * What it limits is work, never waiting: a triage waiting on Azure, on run command or on the Kubernetes API
 * holds nothing here. What queues is
 *  - the continuation of an Azure response (SDK deserialisation and the evidence logic it wakes), paced by
 *    `pacedHttpClient` after the response arrived;
 *  - synchronous CPU steps (rendering a card) through `cpu`;
 *  - background storage writes through `storage` (a few at once, so that a turn's own read and write of
 *    conversation state do not wait behind hundreds of fsyncs in libuv's small thread pool);
 *  - the start of a triage through `admit`.
 *
 * Queued work runs in ticks, one per event-loop iteration (setImmediate), so that between two ticks the
 * loop polls its sockets and reads every request that arrived. How much a tick releases is set by
 * measurement: the gap between asking for a tick and getting it is how long the rest of the loop iteration
 * took (turns, I/O, released continuations). Above `targetGapMs` the number released per tick halves; below
 * it, it grows by one (AIMD), so the loop stays responsive whatever a step costs on this machine, and stays
 * busy while anything is queued.
 *
 * Order: card-button invokes (an approver's press), then turns, then acknowledged messages (their state and
 * progress card), then findings (ARM-phase continuations, ARM findings cards), then admitting new triages,
 * then finishing checks whose pod evidence is in (their cards and writes), then pod evidence (run-command
 * results), then bookkeeping nobody waits for (a conversation reference kept for later). Finishing before
 * starting more keeps checks completing one after another instead of all together at the end. An invoke or
 * a turn only has its start ordered here (`wait` before it is handled), so a press that arrives behind a
 * burst of 200 messages is handled before the messages not yet started. Background storage writes take
 * their few slots in the same order.
 *
 * Holds. Node 20 accepts one new connection per event-loop iteration (libuv ≥ 1.45, libuv/libuv#3696), so a
 * burst on fresh connections is let in only as fast as iterations go by; what keeps them short is holding
 * everything that is not an HTTP answer until the burst is answered.
 *  - An answer hold: a turn or a press from its start (`foreground`) until its HTTP answer is written, and
 *    a fresh connection (`answerPending`) until its first request is read. It holds every class but
 *    invokes and turns, acknowledged messages included.
 *  - A message hold (`hold`): a message acknowledged before it was handled, until its own answer (state,
 *    progress card) is out. It holds background work, not other messages.
 * A hold stops holding once it is older than `foregroundGraceMs` (a Bot Connector that hangs, a connection
 * that sends nothing), and no held item waits longer than that either, so a steady stream of overlapping
 * turns cannot starve what waits behind them.
 *
 * Pod-evidence work (finish, pods) also waits while any admitted triage is still owed its ARM findings card
 * and started less than `armGraceMs` ago — so every waiting check's ARM findings go out before any
 * pod-evidence update is rendered, while a triage stuck on a slow Azure call (older than the grace) holds
 * nobody back.
 */

export type WorkClass = 'invoke' | 'turn' | 'message' | 'findings' | 'admission' | 'finish' | 'pods' | 'bookkeeping';

const ORDER: readonly WorkClass[] = ['invoke', 'turn', 'message', 'findings', 'admission', 'finish', 'pods', 'bookkeeping'];
/** Pod-evidence work: it waits while findings are owed. */
const HELD_BACK: ReadonlySet<WorkClass> = new Set(['finish', 'pods']);
/** Never held: what someone is waiting for an HTTP answer to. */
const FOREGROUND: ReadonlySet<WorkClass> = new Set(['invoke', 'turn']);

/** An answer hold (an HTTP answer is owed) holds messages too; a message hold holds background work only. */
type HoldKind = 'answer' | 'message';

export interface WorkSchedulerOptions {
  /** Loop gap (ms) above which a tick releases less. */
  targetGapMs?: number;
  /** Most items one tick releases. */
  maxPerTick?: number;
  /** Synchronous steps stop for this tick once they have used this long (ms). */
  sliceMs?: number;
  /** Background storage writes at once (libuv's pool has 4 threads; one stays free for turns). */
  storageSlots?: number;
  /** Triages waiting to start before `admit` refuses with SchedulerBusyError. */
  maxWaiting?: number;
  /** How long an ARM phase holds back pod-evidence work (ms). */
  armGraceMs?: number;
  /** Longest a turn, press or message in flight holds back what follows it, and longest a held item waits (ms). */
  foregroundGraceMs?: number;
  now?: () => number;
}

export class SchedulerBusyError extends Error {
  readonly code = 'SchedulerBusy';
  constructor(waiting: number) {
    super(`${waiting} checks are already waiting to start`);
    this.name = 'SchedulerBusyError';
  }
}

interface Item {
  kind: WorkClass;
  queuedAt: number;
  /** Called by a tick: resolves a waiter, or runs a synchronous step (the tick times it). */
  release(): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** What the bench and the logs can read about the scheduler at any moment. */
export interface SchedulerState {
  queued: Record<WorkClass, number>;
  storageActive: number;
  armPhases: number;
  /** Turns, presses, fresh connections and acknowledged messages started and not yet answered. */
  foreground: number;
  perTick: number;
}

/** An admitted triage's claim on "findings first"; `findingsOut` ends it (idempotent). */
export interface ArmPhase {
  findingsOut(): void;
}

export class WorkScheduler {
  private readonly queues = new Map<WorkClass, Item[]>(ORDER.map((k) => [k, []]));
  private readonly armPhases = new Map<ArmPhase, number>();
  /** When each turn, press, fresh connection or acknowledged message in flight started, and its kind. */
  private readonly holds = new Map<object, { at: number; kind: HoldKind }>();
  private readonly targetGapMs: number;
  private readonly maxPerTick: number;
  private readonly sliceMs: number;
  private readonly storageSlots: number;
  private readonly maxWaiting: number;
  private readonly armGraceMs: number;
  private readonly foregroundGraceMs: number;
  private readonly now: () => number;
  private perTick = 4;
  private storageActive = 0;
  /** Storage operations waiting for a slot, by class: a freed slot goes to the first class in ORDER. */
  private readonly storageWaiting = new Map<WorkClass, (() => void)[]>(ORDER.map((k) => [k, []]));
  private tickAskedAt: number | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(options: WorkSchedulerOptions = {}) {
    this.targetGapMs = options.targetGapMs ?? 20;
    this.maxPerTick = options.maxPerTick ?? 64;
    this.sliceMs = options.sliceMs ?? 10;
    this.storageSlots = options.storageSlots ?? 3;
    this.maxWaiting = options.maxWaiting ?? 1000;
    this.armGraceMs = options.armGraceMs ?? 3000;
    this.foregroundGraceMs = options.foregroundGraceMs ?? 2000;
    this.now = options.now ?? (() => performance.now());
  }

  state(): SchedulerState {
    const queued = Object.fromEntries(ORDER.map((k) => [k, this.queues.get(k)!.length])) as Record<WorkClass, number>;
    return {
      queued,
      storageActive: this.storageActive,
      armPhases: this.armPhases.size,
      foreground: this.holds.size,
      perTick: this.perTick,
    };
  }

  /**
   * True when nothing waits here (bookkeeping aside) and nothing but the asking turn is in flight: a message
   * can then be answered inside its own turn, the cheapest path to its reply (the turn's own connector client).
   */
  quiet(): boolean {
    return this.holds.size <= 1 && ORDER.every((kind) => kind === 'bookkeeping' || this.queues.get(kind)!.length === 0);
  }

  /** True when `admit` would queue rather than refuse (a turn asks before it promises a check). */
  hasRoom(): boolean {
    return this.queues.get('admission')!.length < this.maxWaiting;
  }

  /**
   * Waits for a triage's turn to start (when the loop has room), then registers its ARM phase. Rejects with
   * SchedulerBusyError when too many wait, or with the signal's reason when it aborts first.
   */
  async admit(options: { signal?: AbortSignal } = {}): Promise<ArmPhase> {
    if (!this.hasRoom()) throw new SchedulerBusyError(this.queues.get('admission')!.length);
    await this.wait('admission', options.signal);
    const phase: ArmPhase = {
      findingsOut: () => {
        if (this.armPhases.delete(phase)) this.schedule();
      },
    };
    this.armPhases.set(phase, this.now());
    return phase;
  }

  /**
   * Waits for a turn's or a press's start, then holds background work until the returned `done` is called
   * (when its HTTP answer is written) or the grace period ends. `done` is idempotent.
   */
  async foreground(kind: 'invoke' | 'turn', signal?: AbortSignal): Promise<() => void> {
    // Nothing of its class or before it waits: starting now is the order a tick would give, one loop iteration sooner.
    if (this.queuedAhead(kind)) await this.wait(kind, signal);
    else signal?.throwIfAborted();
    return this.holdAs('answer');
  }

  private queuedAhead(kind: WorkClass): boolean {
    for (const k of ORDER) {
      if (this.queues.get(k)!.length > 0) return true;
      if (k === kind) return false;
    }
    return false;
  }

  /**
   * Holds everything but invokes and turns from now until the returned `done` (or the grace period): for a
   * fresh connection, whose request is about to arrive.
   */
  answerPending(): () => void {
    return this.holdAs('answer');
  }

  /**
   * Holds background work from now until the returned `done` (or the grace period): for a message whose
   * channel request is already answered but whose own answer (state, progress card) is still being made.
   */
  hold(): () => void {
    return this.holdAs('message');
  }

  private holdAs(kind: HoldKind): () => void {
    const token = {};
    this.holds.set(token, { at: this.now(), kind });
    return () => {
      if (this.holds.delete(token)) this.schedule();
    };
  }

  /** Resolves when a tick releases this class of work: what follows the await runs then. */
  wait(kind: WorkClass, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const item: Item = { kind, queuedAt: this.now(), release: resolve, signal };
      if (signal) {
        item.onAbort = () => {
          const queue = this.queues.get(kind)!;
          const at = queue.indexOf(item);
          if (at >= 0) queue.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', item.onAbort, { once: true });
      }
      this.queues.get(kind)!.push(item);
      this.schedule();
    });
  }

  /** Runs a synchronous CPU step (judging, rendering) in its class's turn and returns its result. */
  async cpu<T>(kind: WorkClass, step: () => T): Promise<T> {
    let result: { value: T } | { error: unknown } | undefined;
    await new Promise<void>((resolve) => {
      const item: Item = {
        kind,
        queuedAt: this.now(),
        release: () => {
          try {
            result = { value: step() };
          } catch (error) {
            result = { error };
          }
          resolve();
        },
      };
      this.queues.get(kind)!.push(item);
      this.schedule();
    });
    if (!result || 'error' in result) throw result ? result.error : new Error('the step did not run');
    return result.value;
  }

  /** Runs a background storage operation when a slot is free and its class's turn has come. */
  async storage<T>(kind: WorkClass, operation: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    while (this.storageActive >= this.storageSlots) {
      await new Promise<void>((resolve) => this.storageWaiting.get(kind)!.push(resolve));
    }
    this.storageActive += 1;
    try {
      await this.wait(kind, signal);
      return await operation();
    } finally {
      this.storageActive -= 1;
      ORDER.map((k) => this.storageWaiting.get(k)!)
        .find((waiting) => waiting.length > 0)
        ?.shift()?.();
    }
  }

  private schedule(): void {
    if (this.tickAskedAt !== undefined) return;
    if (!this.nextItem(false)) {
      this.graceTimerForHeld();
      return;
    }
    this.tickAskedAt = this.now();
    setImmediate(() => this.tick());
  }

  private tick(): void {
    const started = this.now();
    const gap = started - (this.tickAskedAt ?? started);
    this.tickAskedAt = undefined;
    // AIMD on the measured loop gap: back off fast when turns wait, creep up while the loop keeps up.
    this.perTick = gap > this.targetGapMs ? Math.max(1, Math.floor(this.perTick / 2)) : Math.min(this.maxPerTick, this.perTick + 1);
    for (let released = 0; released < this.perTick && this.now() - started < this.sliceMs; released += 1) {
      const item = this.nextItem(true);
      if (!item) break;
      if (item.signal && item.onAbort) item.signal.removeEventListener('abort', item.onAbort);
      item.release();
    }
    this.schedule();
  }

  /**
   * The next releasable item in order: messages wait while an HTTP answer is owed, background work also while
   * a message is being answered (an item held past the grace goes anyway), and pod evidence for owed findings.
   */
  private nextItem(take: boolean): Item | undefined {
    const now = this.now();
    for (const kind of ORDER) {
      const queue = this.queues.get(kind)!;
      if (queue.length === 0) continue;
      if (!FOREGROUND.has(kind) && this.youngHold(now, kind === 'message' ? 'answer' : undefined) && queue[0].queuedAt > now - this.foregroundGraceMs)
        return undefined;
      if (HELD_BACK.has(kind) && this.youngArmPhase(now)) return undefined;
      return take ? queue.shift() : queue[0];
    }
    return undefined;
  }

  /** A hold younger than the grace period, of `kind` or (without it) of any kind. */
  private youngHold(now: number, kind?: HoldKind): boolean {
    const cutoff = now - this.foregroundGraceMs;
    for (const hold of this.holds.values()) if (hold.at > cutoff && (!kind || hold.kind === kind)) return true;
    return false;
  }

  private youngArmPhase(now: number): boolean {
    const cutoff = now - this.armGraceMs;
    for (const at of this.armPhases.values()) if (at > cutoff) return true;
    return false;
  }

  /**
   * Held work must not wait for a wake-up that never comes: look again at the next moment a hold or an ARM
   * phase ages out, or a held item has waited its longest.
   */
  private graceTimerForHeld(): void {
    if (this.graceTimer) return;
    const now = this.now();
    const moments = [
      ...[...this.holds.values()].map((hold) => hold.at + this.foregroundGraceMs),
      ...[...this.armPhases.values()].map((at) => at + this.armGraceMs),
      ...ORDER.flatMap((kind) => {
        const head = this.queues.get(kind)![0];
        return head ? [head.queuedAt + this.foregroundGraceMs] : [];
      }),
    ].filter((at) => at > now);
    if (moments.length === 0 || !ORDER.some((kind) => this.queues.get(kind)!.length > 0)) return;
    const waitMs = Math.max(1, Math.min(...moments) - now);
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      this.schedule();
    }, waitMs);
    this.graceTimer.unref();
  }
}
