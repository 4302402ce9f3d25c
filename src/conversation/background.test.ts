import { BackgroundWork, type Logger } from './background';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('BackgroundWork', () => {
  it('logs a failed job under its name, and idle() waits for work started meanwhile', async () => {
    const errors: string[] = [];
    const work = new BackgroundWork({ ...quiet, error: (m) => errors.push(m) });
    let later = false;
    work.run('bad', async () => {
      work.run('later', async () => {
        await new Promise((r) => setTimeout(r, 20));
        later = true;
      });
      throw new Error('boom');
    });
    await work.idle();
    expect(later).toBe(true);
    expect(errors).toEqual(['bad failed']);
  });

  it('drain() aborts what is still running after the grace period', async () => {
    const work = new BackgroundWork(quiet);
    let aborted = false;
    work.run(
      'slow',
      (signal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve()), { once: true })),
    );
    expect(await work.drain(20)).toBe(false);
    expect(aborted).toBe(true);
  });
});
