/**
 * Turns any SDK call into a `Read<T>`: never throws, never hangs past its deadline, and says what could not
 * be read, why, and what would let the bot see it. Every ARM read of a triage goes through `readArm`.
 */
import { failed, ok, type Read, type ReadFailure, type ReadFailureKind } from '../triage/evidence';

/** Thrown by a mapper when an answer lacks what a check needs; becomes a `malformed` failure. */
export class MalformedAnswerError extends Error {
  readonly code = 'MalformedAnswer';
  constructor(message: string) {
    super(message);
    this.name = 'MalformedAnswerError';
  }
}

export interface ReadSpec {
  /** What is being read, for people: "cluster aks-prod", "role assignments on myacr". */
  what: string;
  /** The permission (and where) that lets the bot make this read. */
  needs: string;
  signal?: AbortSignal;
  /** The read becomes `timeout` after this long even if the SDK is still waiting. */
  deadlineMs?: number;
}

export const DEFAULT_READ_DEADLINE_MS = 20_000;

class DeadlineError extends Error {
  readonly code = 'Deadline';
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Runs `call` with an AbortSignal that fires on the caller's abort or at the deadline, and maps whatever
 * happens to a Read. `call` may return a value that `map` turns into the evidence shape (and may reject
 * with MalformedAnswerError).
 */
export async function readArm<R, T = R>(spec: ReadSpec, call: (signal: AbortSignal) => Promise<R>, map?: (raw: R) => T): Promise<Read<T>> {
  const controller = new AbortController();
  const deadlineMs = spec.deadlineMs ?? DEFAULT_READ_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  const onOuterAbort = () => controller.abort(spec.signal?.reason);
  if (spec.signal?.aborted) controller.abort(spec.signal.reason);
  else spec.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // The race guarantees the triage goes on even if an SDK ignores the abort signal.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(deadlineMs);
      controller.abort(error);
      reject(error);
    }, deadlineMs);
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason ?? new DeadlineError(deadlineMs)), {
      once: true,
    });
  });
  deadline.catch(() => undefined);
  try {
    const raw = await Promise.race([call(controller.signal), deadline]);
    return ok(map ? map(raw) : (raw as unknown as T));
  } catch (error) {
    return failed(failureOf(error, spec));
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** Collects a paged SDK iterator. */
export async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of pages) items.push(item);
  return items;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
  response?: { status?: unknown; headers?: { get?: (name: string) => string | undefined | null } };
  body?: unknown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'REQUEST_SEND_ERROR',
]);

/** Maps an error from any Azure SDK (core-rest-pipeline or ms-rest-js RestError, abort, parse error) to a ReadFailure. */
export function failureOf(error: unknown, spec: Pick<ReadSpec, 'what' | 'needs'>): ReadFailure {
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : {};
  const status = numberOf(e.statusCode) ?? numberOf(e.status) ?? numberOf(e.response?.status);
  const code = armCode(e);
  const requestId = requestIdOf(e);
  const detail = shortMessage(e, error);
  const base = (kind: ReadFailureKind, message: string, extra: Partial<ReadFailure> = {}): ReadFailure => ({
    kind,
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    message,
    ...(requestId !== undefined ? { requestId } : {}),
    ...extra,
  });

  if (error instanceof DeadlineError || e.name === 'DeadlineError') {
    return base('timeout', `Could not read ${spec.what}: Azure did not answer within ${(error as DeadlineError).ms / 1000} s.`);
  }
  if (e.name === 'AbortError' || code === 'REQUEST_ABORTED_ERROR') {
    return base('timeout', `Could not read ${spec.what}: the read was cancelled before Azure answered.`);
  }
  if (error instanceof MalformedAnswerError || e.name === 'SyntaxError' || code === 'PARSE_ERROR') {
    return base('malformed', `Could not read ${spec.what}: the answer did not have the expected shape (${detail}).`);
  }
  if (status === 401 && code === 'InvalidAuthenticationTokenTenant') {
    // No role in the bot's own tenant helps: the resource is in another tenant, which refuses the token itself.
    const tenant = /must match the tenant 'https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/'/i.exec(detail)?.[1];
    const where = tenant ? `Entra tenant ${tenant}` : 'another Entra tenant';
    return base(
      'forbidden',
      `Could not read ${spec.what}: it lives in ${where}, not in the bot's tenant, and that tenant refuses the bot's token (401 InvalidAuthenticationTokenTenant).`,
      {
        needs: `an identity for the bot in ${where} (a multi-tenant app registration with a service principal there) with Reader — a role in the bot's own tenant cannot help`,
      },
    );
  }
  if (status === 401 || status === 403) {
    return base('forbidden', `Could not read ${spec.what}: the bot's identity is not allowed (${status}${code ? ` ${code}` : ''}).`, {
      needs: spec.needs,
    });
  }
  if (status === 404) {
    return base('not-found', `Could not read ${spec.what}: Azure answered 404${code ? ` ${code}` : ''} (${detail}).`);
  }
  if (status === 429) {
    return base('throttled', `Could not read ${spec.what}: Azure throttled the request (429); try again in a minute.`);
  }
  if (status === 408) {
    return base('timeout', `Could not read ${spec.what}: Azure timed out (408).`);
  }
  if (status !== undefined && status >= 500) {
    return base('unavailable', `Could not read ${spec.what}: Azure answered ${status}${code ? ` ${code}` : ''}; try again shortly.`);
  }
  if (status === undefined && typeof e.code === 'string' && NETWORK_CODES.has(e.code)) {
    return base('unavailable', `Could not read ${spec.what}: Azure could not be reached (${e.code}).`);
  }
  return base('error', `Could not read ${spec.what}: ${status ? `${status} ` : ''}${detail}.`);
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** ARM puts its error code in `error.code` of the body; the SDKs copy it to `.code` (ms-rest-js sometimes only to body). */
function armCode(e: ErrorLike): string | undefined {
  if (typeof e.code === 'string' && e.code !== '' && !/^\d+$/.test(e.code)) return e.code;
  const body = e.body as { error?: { code?: unknown }; code?: unknown } | undefined;
  if (body && typeof body.error?.code === 'string') return body.error.code;
  if (body && typeof body.code === 'string') return body.code;
  return undefined;
}

function requestIdOf(e: ErrorLike): string | undefined {
  const get = e.response?.headers?.get;
  if (typeof get !== 'function') return undefined;
  const headers = e.response!.headers!;
  const value =
    get.call(headers, 'x-ms-request-id') ?? get.call(headers, 'x-ms-correlation-request-id') ?? get.call(headers, 'x-ms-client-request-id');
  return value ?? undefined;
}

function shortMessage(e: ErrorLike, error: unknown): string {
  const message = typeof e.message === 'string' ? e.message : String(error);
  const firstLine = message.split('\n')[0]!.trim();
  return firstLine.length > 240 ? `${firstLine.slice(0, 237)}…` : firstLine || 'no detail';
}

/** Requires a non-empty string; used by mappers on fields a check cannot do without. */
export function required(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new MalformedAnswerError(`missing ${field}`);
  return value;
}
