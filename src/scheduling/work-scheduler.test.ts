import { SchedulerBusyError, WorkScheduler } from './work-scheduler';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('WorkScheduler', () => {
  it('starts a press before waiting turns, and both before background work', async () => {
    const scheduler = new WorkScheduler({ maxPerTick: 1 });
    const order: string[] = [];
    const findings = scheduler.cpu('findings', () => order.push('findings'));
    const turn = scheduler.wait('turn').then(() => order.push('turn'));
    const invoke = scheduler.wait('invoke').then(() => order.push('invoke'));
    await Promise.all([findings, turn, invoke]);
    expect(order).toEqual(['invoke', 'turn', 'findings']);
  });

  it('starts a turn at once when no press or turn waits before it, and in order behind one that does', async () => {
    const scheduler = new WorkScheduler({ maxPerTick: 1 });
    const order: string[] = [];
    setImmediate(() => order.push('next iteration'));
    const findings = scheduler.cpu('findings', () => order.push('findings'));
    (await scheduler.foreground('turn'))();
    order.push('turn');
    expect(order).toEqual(['turn']);
    const waiting = scheduler.wait('invoke').then(() => order.push('press'));
    const second = scheduler.foreground('turn').then((done) => {
      order.push('second turn');
      done();
    });
    await Promise.all([findings, waiting, second]);
    expect(order.indexOf('press')).toBeLessThan(order.indexOf('second turn'));
    expect(order.indexOf('next iteration')).toBeLessThan(order.indexOf('second turn'));
  });

  it('releases findings work before admissions before pod-evidence work, whatever the arrival order', async () => {
    // One release per tick, so that what a released waiter does is seen before the next release.
    const scheduler = new WorkScheduler({ armGraceMs: 0, maxPerTick: 1 });
    const order: string[] = [];
    const pods = scheduler.cpu('pods', () => order.push('pods'));
    const admitted = scheduler.admit().then((phase) => {
      order.push('admission');
      phase.findingsOut();
    });
    const findings = scheduler.cpu('findings', () => order.push('findings'));
    await Promise.all([pods, admitted, findings]);
    expect(order).toEqual(['findings', 'admission', 'pods']);
  });

  it('holds pod-evidence work while an admitted triage still owes its ARM findings card', async () => {
    const scheduler = new WorkScheduler({ armGraceMs: 60_000 });
    const phase = await scheduler.admit();
    let rendered = false;
    const pods = scheduler.cpu('finish', () => (rendered = true));
    await settle();
    expect(rendered).toBe(false);
    expect(scheduler.state().queued.finish).toBe(1);
    phase.findingsOut();
    await pods;
    expect(rendered).toBe(true);
  });

  it('stops holding pod-evidence work for a triage stuck on Azure past the grace period', async () => {
    const scheduler = new WorkScheduler({ armGraceMs: 30 });
    await scheduler.admit();
    const started = Date.now();
    await scheduler.cpu('pods', () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(scheduler.state().armPhases).toBe(1);
  });

  it('refuses to queue more checks than maxWaiting, and says so before anything is promised', async () => {
    const scheduler = new WorkScheduler({ maxWaiting: 2 });
    // Queued synchronously: no tick has run yet, so both wait.
    const first = scheduler.admit();
    const second = scheduler.admit();
    expect(scheduler.hasRoom()).toBe(false);
    await expect(scheduler.admit()).rejects.toBeInstanceOf(SchedulerBusyError);
    await Promise.all([first, second]);
    expect(scheduler.hasRoom()).toBe(true);
  });

  it('runs at most storageSlots background writes at once', async () => {
    const scheduler = new WorkScheduler({ storageSlots: 1 });
    let active = 0;
    let peak = 0;
    const write = () =>
      scheduler.storage('pods', async () => {
        active += 1;
        peak = Math.max(peak, active);
        await settle();
        active -= 1;
      });
    await Promise.all([write(), write(), write()]);
    expect(peak).toBe(1);
  });

  it('returns what a step returns and rejects with what it throws', async () => {
    const scheduler = new WorkScheduler();
    await expect(scheduler.cpu('findings', () => 42)).resolves.toBe(42);
    await expect(
      scheduler.cpu('findings', () => {
        throw new Error('render failed');
      }),
    ).rejects.toThrow('render failed');
  });

  it('rejects a waiter whose signal aborts, and drops it from the queue', async () => {
    const scheduler = new WorkScheduler({ armGraceMs: 60_000 });
    await scheduler.admit();
    const controller = new AbortController();
    const waiting = scheduler.wait('pods', controller.signal);
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    expect(scheduler.state().queued.pods).toBe(0);
  });

  it('releases less per tick when the measured loop gap is over target, more while it is under', async () => {
    let now = 0;
    const scheduler = new WorkScheduler({ targetGapMs: 20, now: () => now });
    expect(scheduler.state().perTick).toBe(4);
    const slow = scheduler.cpu('findings', () => undefined);
    now += 100; // the loop took 100 ms to come back to the tick
    await slow;
    expect(scheduler.state().perTick).toBe(2);
    await scheduler.cpu('findings', () => undefined);
    expect(scheduler.state().perTick).toBe(3);
  });

  it('holds background work while a turn is in flight, and releases it when the turn is answered', async () => {
    const scheduler = new WorkScheduler({ foregroundGraceMs: 60_000 });
    const done = await scheduler.foreground('turn');
    let rendered = false;
    const findings = scheduler.cpu('findings', () => (rendered = true));
    // Another turn and a press still start while the first is in flight.
    const press = await scheduler.foreground('invoke');
    await settle();
    expect(rendered).toBe(false);
    expect(scheduler.state().foreground).toBe(2);
    done();
    press();
    press();
    await findings;
    expect(rendered).toBe(true);
    expect(scheduler.state().foreground).toBe(0);
  });

  it('stops holding background work for a turn stuck past the grace period', async () => {
    const scheduler = new WorkScheduler({ foregroundGraceMs: 30 });
    await scheduler.foreground('turn');
    const started = Date.now();
    await scheduler.cpu('findings', () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(scheduler.state().foreground).toBe(1);
  });

  it('holds background work while an acknowledged message is being answered', async () => {
    const scheduler = new WorkScheduler({ foregroundGraceMs: 60_000 });
    const done = scheduler.hold();
    let rendered = false;
    const findings = scheduler.cpu('findings', () => (rendered = true));
    await settle();
    expect(rendered).toBe(false);
    done();
    await findings;
    expect(rendered).toBe(true);
  });

  it('holds acknowledged messages (and background work) while an HTTP answer is owed, not while other messages are answered', async () => {
    const scheduler = new WorkScheduler({ foregroundGraceMs: 60_000 });
    const order: string[] = [];
    // A fresh connection: its request is about to arrive.
    const arrived = scheduler.answerPending();
    const message = scheduler.wait('message').then(() => order.push('message'));
    const findings = scheduler.cpu('findings', () => order.push('findings'));
    await settle();
    expect(order).toEqual([]);
    // Another message being answered holds the findings, not the message.
    const answering = scheduler.hold();
    arrived();
    await message;
    await settle();
    expect(order).toEqual(['message']);
    answering();
    await findings;
    expect(order).toEqual(['message', 'findings']);
  });

  it('gives a freed storage slot to the first class in order, not to the first to ask', async () => {
    const scheduler = new WorkScheduler({ storageSlots: 1 });
    const order: string[] = [];
    let free!: () => void;
    const busy = scheduler.storage('finish', () => new Promise<void>((resolve) => (free = resolve)));
    await settle();
    const later = scheduler.storage('bookkeeping', async () => void order.push('bookkeeping'));
    const sooner = scheduler.storage('finish', async () => void order.push('finish'));
    await settle();
    free();
    await Promise.all([busy, later, sooner]);
    expect(order).toEqual(['finish', 'bookkeeping']);
  });

  it('counts as quiet with only bookkeeping queued, and not with a fresh connection or a message pending', async () => {
    const scheduler = new WorkScheduler({ armGraceMs: 60_000 });
    // An ARM phase owed its findings holds the pod-evidence classes, not bookkeeping.
    const phase = await scheduler.admit();
    let kept = false;
    const bookkeeping = scheduler.storage('bookkeeping', async () => void (kept = true));
    expect(scheduler.quiet()).toBe(true);
    await bookkeeping;
    expect(kept).toBe(true);
    const arrived = scheduler.answerPending();
    const message = scheduler.wait('message');
    expect(scheduler.quiet()).toBe(false);
    arrived();
    await message;
    expect(scheduler.quiet()).toBe(true);
    phase.findingsOut();
  });

  it('lets an item go once it has waited the grace period, even while fresh turns keep arriving', async () => {
    let now = 0;
    const scheduler = new WorkScheduler({ foregroundGraceMs: 100, now: () => now });
    await scheduler.foreground('turn');
    let rendered = false;
    const findings = scheduler.cpu('findings', () => (rendered = true));
    await settle();
    expect(rendered).toBe(false);
    now = 150;
    // A new turn in flight (younger than the grace) would hold it, but the item has waited long enough.
    await scheduler.foreground('turn');
    await findings;
    expect(rendered).toBe(true);
  });
});
