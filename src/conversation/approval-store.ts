/**
 * Approval records in the shared store, with the eTag concurrency every claim rests on: a read returns the
 * eTag, a write that carries it succeeds only if nobody wrote in between (StorageConflictError otherwise).
 */
import { isConflict } from '../storage/errors';
import type { Store } from '../storage/store';
import type { ApprovalRecord } from './approvals';
import { asLocation } from './location';

const ID_FORM = /^[A-Za-z0-9_-]{32}$/;
const KEY_PREFIX = 'approvals/';
/** How often a claim or update re-reads and retries after losing a race. */
export const MAX_CLAIM_ATTEMPTS = 10;

/** True only for ids the service could have issued; anything else never reaches a storage key. */
export function isApprovalId(id: unknown): id is string {
  return typeof id === 'string' && ID_FORM.test(id);
}

function keyOf(id: string): string {
  return `${KEY_PREFIX}${id}`;
}

export class ApprovalStore {
  constructor(private readonly storage: Store) {}

  async load(id: string): Promise<{ record: ApprovalRecord; eTag: string } | undefined> {
    if (!isApprovalId(id)) return undefined;
    const key = keyOf(id);
    const item = (await this.storage.read([key]))[key] as unknown as (ApprovalRecord & { eTag?: string }) | undefined;
    if (!item || item.id !== id) return undefined;
    const { eTag, ...stored } = item;
    const record = withLocation(stored);
    // Without an eTag the claim would be an unconditional write and two presses could both win.
    if (typeof eTag !== 'string' || eTag === '' || eTag === '*') {
      throw new Error(`The configured storage returned approval ${id} without an eTag; approvals need a storage with eTag concurrency.`);
    }
    return { record, eTag };
  }

  /** Writes the record: only over the version `eTag` names when given; unconditionally (a new record) otherwise. */
  async write(record: ApprovalRecord, eTag?: string): Promise<void> {
    await this.storage.write({ [keyOf(record.id)]: { ...record, ...(eTag ? { eTag } : {}) } });
  }

  /** Read-modify-write that keeps whatever others wrote in between (retries on conflict). */
  async update(id: string, change: (record: ApprovalRecord) => ApprovalRecord): Promise<ApprovalRecord | undefined> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const stored = await this.load(id);
      if (!stored) return undefined;
      const next = change(stored.record);
      try {
        await this.write(next, stored.eTag);
        return next;
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    throw new Error(`Approval ${id} kept changing while it was being updated.`);
  }
}

/**
 * Records written before locations existed kept a Bot Framework conversation reference and an activity id
 * (Slack's dressed up as one, channelId "slack"); pending ones still deserve their card updated.
 */
function withLocation(stored: ApprovalRecord & { conversation?: unknown; activityId?: unknown }): ApprovalRecord {
  const { conversation, activityId, ...record } = stored;
  if (record.location) return { ...record, location: asLocation(record.location) };
  if (typeof conversation !== 'object' || conversation === null) return record;
  const messageId = typeof activityId === 'string' ? activityId : undefined;
  const legacy = conversation as { channelId?: unknown; conversation?: { id?: unknown } };
  if (legacy.channelId === 'slack') {
    const channel = legacy.conversation?.id;
    return typeof channel === 'string'
      ? { ...record, location: { channel: 'slack', conversation: channel, ...(messageId ? { messageTs: messageId } : {}) } }
      : record;
  }
  return { ...record, location: { channel: 'teams', reference: conversation as Record<string, unknown>, ...(messageId ? { messageId } : {}) } };
}
