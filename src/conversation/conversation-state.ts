/**
 * What the bot remembers of one conversation, in the shared store so any instance can continue it: the
 * target draft (one question at a time), the last target (for "check again"), and the ids of the last
 * events handled. A channel delivers an event again when our answer was slow (Slack retries with the same
 * event_id; Bot Framework may resend an activity id); claiming the event id in the same conditional write
 * as the state change makes the second delivery a no-op, on whichever instance it lands. Events that change
 * nothing (help, the audit list) are remembered by this instance only, so answering them costs no storage
 * round trip; a redelivery of one that lands on another instance is answered again, and changes nothing.
 */
import { isConflict } from '../storage/errors';
import type { Store } from '../storage/store';
import type { TargetRefs } from '../triage/refs';
import type { TargetDraft } from './target-dialog';

export interface ConversationData {
  draft?: TargetDraft;
  last?: TargetRefs;
}

interface Stored extends ConversationData {
  events?: string[];
}

/** Enough to cover every retry window (Slack retries three times within minutes). */
const REMEMBERED_EVENTS = 50;
const MAX_ATTEMPTS = 10;
const MAX_EVENT_ID_LENGTH = 200;
/** Read-only events remembered per instance: Slack's retries come within minutes, and far fewer than this. */
const REMEMBERED_LOCALLY = 2000;

export class ConversationStateError extends Error {
  readonly code = 'ConversationStateBusy';
  constructor(key: string) {
    super(`The state of conversation ${key} kept changing while it was being updated.`);
    this.name = 'ConversationStateError';
  }
}

export class ConversationState {
  private readonly seenHere = new Set<string>();

  constructor(private readonly store: Store) {}

  /** For an event that changes no state: false when this instance handled it already. */
  claimReadOnly(conversationKey: string, eventId: string | undefined): boolean {
    if (!eventId) return true;
    const key = `${conversationKey} ${eventId.slice(0, MAX_EVENT_ID_LENGTH)}`;
    if (this.seenHere.has(key)) return false;
    this.seenHere.add(key);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.seenHere.size > REMEMBERED_LOCALLY) this.seenHere.delete(this.seenHere.values().next().value as string);
    return true;
  }

  async read(conversationKey: string): Promise<ConversationData> {
    const { draft, last } = (await this.load(conversationKey)).data;
    return { draft, last };
  }

  /**
   * Applies `decide` to the current state and writes the result, claiming `eventId` in the same write.
   * Returns 'duplicate' (and writes nothing) when that event was handled already. `decide` must be pure:
   * it runs again when another writer got there first.
   */
  async decide<T>(
    conversationKey: string,
    eventId: string | undefined,
    decide: (data: ConversationData) => { data: ConversationData; result: T },
  ): Promise<{ result: T } | 'duplicate'> {
    const id = eventId?.slice(0, MAX_EVENT_ID_LENGTH);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { data, eTag } = await this.load(conversationKey);
      if (id && data.events?.includes(id)) return 'duplicate';
      const next = decide({ draft: data.draft, last: data.last });
      const events = id ? [...(data.events ?? []), id].slice(-REMEMBERED_EVENTS) : data.events;
      const item = { draft: next.data.draft, last: next.data.last, events, eTag: eTag ?? '*' };
      try {
        await this.store.write({ [keyOf(conversationKey)]: item });
        return { result: next.result };
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    throw new ConversationStateError(conversationKey);
  }

  private async load(conversationKey: string): Promise<{ data: Stored; eTag?: string }> {
    const key = keyOf(conversationKey);
    const item = (await this.store.read([key]))[key];
    if (!item) return { data: {} };
    const { draft, last, events, eTag } = item as Stored & { eTag?: string };
    return { data: { draft, last, events: Array.isArray(events) ? events.filter((e) => typeof e === 'string') : undefined }, eTag };
  }
}

function keyOf(conversationKey: string): string {
  return `conversations/${conversationKey}`;
}
