import { BackgroundWork, type Logger } from './background';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('BackgroundWork', () => {
  it('runs at most the lane limit at once and starts the next as one finishes', async () => {
    const work = new BackgroundWork(quiet, { laneLimits: { triage: 2 } });
    let active = 0;
    let peak = 0;
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    gates.forEach((gate, i) =>
      work.run(
        `job ${i}`,
        async () => {
          started.push(i);
          active += 1;
          peak = Math.max(peak, active);
          await gate.promise;
          active -= 1;
        },
        { lane: 'triage' },
      ),
    );
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    gates[0].resolve();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    gates.slice(1).forEach((g) => g.resolve());
    await work.idle();
    expect(started).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
  });

  it('never queues jobs without a lane behind a full lane', async () => {
    const work = new BackgroundWork(quiet, { laneLimits: { triage: 1 } });
    const gate = deferred();
    work.run('triage', () => gate.promise, { lane: 'triage' });
    let granted = false;
    work.run('grant', async () => {
      granted = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(granted).toBe(true);
    gate.resolve();
    await work.idle();
  });

  it('frees the lane when a job fails, and logs the failure', async () => {
    const errors: string[] = [];
    const work = new BackgroundWork({ ...quiet, error: (m) => errors.push(m) }, { laneLimits: { triage: 1 } });
    work.run('bad', async () => Promise.reject(new Error('boom')), { lane: 'triage' });
    let ran = false;
    work.run('next', async () => {
      ran = true;
    }, { lane: 'triage' });
    await work.idle();
    expect(ran).toBe(true);
    expect(errors).toEqual(['bad failed']);
  });
});
