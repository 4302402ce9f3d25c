/**
 * A deadline for a call that takes no AbortSignal (botbuilder's connector calls): the caller stops waiting
 * and gets a typed error, so the slot or turn it holds is freed even if the call itself never ends.
 */
export class DeadlineError extends Error {
  readonly code = 'Deadline';
  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

export async function withinDeadline<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  // Whatever the call does after the deadline is nobody's business any more, failures included.
  call.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
  });
  try {
    return await Promise.race([call, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
