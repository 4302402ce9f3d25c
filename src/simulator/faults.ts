/** Fault injection rules (scenario.ts `Fault`): the first matching rule with uses left decides. */
import type { Fault } from './scenario';
import { armError, type EmuResponse } from './wire';

export type FaultAction =
  { kind: 'pass'; latencyMs: number } | { kind: 'hang'; latencyMs: number } | { kind: 'respond'; latencyMs: number; response: EmuResponse };

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'AuthenticationFailed',
  403: 'AuthorizationFailed',
  404: 'ResourceNotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function pathMatches(rule: Fault, path: string): boolean {
  if (rule.path.startsWith('^')) {
    try {
      return new RegExp(rule.path, 'i').test(path);
    } catch {
      return false;
    }
  }
  return path.toLowerCase().includes(rule.path.toLowerCase());
}

export class FaultRules {
  private rules: { rule: Fault; remaining?: number }[] = [];

  set(faults: readonly Fault[]): void {
    this.rules = faults.map((rule) => ({ rule, ...(rule.times !== undefined ? { remaining: rule.times } : {}) }));
  }

  /** Consumes one use of the first matching rule; undefined when none applies. */
  take(method: string, path: string): FaultAction | undefined {
    const entry = this.rules.find(
      (e) =>
        (e.remaining === undefined || e.remaining > 0) &&
        (!e.rule.method || e.rule.method.toUpperCase() === method.toUpperCase()) &&
        pathMatches(e.rule, path),
    );
    if (!entry) return undefined;
    if (entry.remaining !== undefined) entry.remaining--;
    const rule = entry.rule;
    const latencyMs = rule.latencyMs ?? 0;
    if (rule.hang) return { kind: 'hang', latencyMs };
    if (rule.malformed) {
      return {
        kind: 'respond',
        latencyMs,
        response: { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '<html><body>upstream proxy error</body>' },
      };
    }
    if (rule.status !== undefined) {
      const headers: Record<string, string> = rule.retryAfter !== undefined ? { 'retry-after': String(rule.retryAfter) } : {};
      const code = rule.code ?? DEFAULT_CODES[rule.status] ?? 'InjectedFault';
      const message = rule.message ?? `Injected fault: ${rule.status} ${code} for ${method} ${path}.`;
      return { kind: 'respond', latencyMs, response: armError(rule.status, code, message, headers) };
    }
    return { kind: 'pass', latencyMs };
  }
}
