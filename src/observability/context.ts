/**
 * The ids that tie one piece of work's log lines together: the HTTP request, the conversation turn (a Bot
 * Framework activity id or a Slack event id) and the triage. Carried with AsyncLocalStorage so that work
 * started inside a request (background triage, grants) logs under the same ids without every caller
 * passing them along. One instance per composition root, never a module global.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface WorkIds {
  requestId?: string;
  turnId?: string;
  triageId?: string;
}

export class WorkContext {
  private readonly storage = new AsyncLocalStorage<WorkIds>();

  /** Runs `fn` with `ids` added to the ids already in force (inner values win). */
  run<T>(ids: WorkIds, fn: () => T): T {
    return this.storage.run({ ...this.storage.getStore(), ...ids }, fn);
  }

  /**
   * Adds ids to the current scope in place, for ids learned after the scope began (the turn id is only
   * known once the request body is parsed). No-op outside `run`.
   */
  assign(ids: WorkIds): void {
    const store = this.storage.getStore();
    if (store) Object.assign(store, ids);
  }

  current(): WorkIds {
    return { ...this.storage.getStore() };
  }
}

/** An id from a request header or body is hostile input: keep it only if it looks like an id. */
export function safeId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[\w.:@|-]{1,128}$/.test(value) ? value : undefined;
}
