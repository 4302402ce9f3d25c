/**
 * Incidents: what one window of alerts about one cluster, for one destination, has become — the cards it
 * posted, how often it was seen, whether it is resolved. Kept in the shared storage so every instance sees
 * the same incident: read-modify-write with the item's eTag (a write that loses re-reads and tries again),
 * and within this process one update per key at a time.
 */
import { createHash } from 'node:crypto';
import type { AlertSource } from './alert';
import type { Destination } from './routing';
import type { NoticeView, TriageSnapshot } from '../channels/view-model';
import type { MessageLocation } from '../conversation/location';

/** The part of the shared storage used here (botbuilder's Storage has this shape; its eTag rules apply). */
export interface StateStorage {
  read(keys: string[]): Promise<Record<string, unknown>>;
  write(changes: Record<string, unknown>): Promise<void>;
}

export interface IncidentCard {
  /** The registry this card is about (login server or host), or "" for the cluster-wide notice. */
  registry: string;
  message: MessageLocation;
  /** Findings with a grant offer: re-rendered from the approval and its stored card state. */
  approvalId?: string;
  /** Findings without an offer, or a notice: re-rendered from what is kept here. */
  snapshot?: TriageSnapshot;
  notice?: NoticeView;
}

export interface Incident {
  key: string;
  cluster: string;
  destination: Destination;
  alert: { name: string; severity?: string; firedAt: string; source: AlertSource };
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Fingerprints fired and not yet resolved; when the last one resolves, so does the incident. */
  firing: string[];
  state: 'open' | 'resolved';
  resolvedAt?: string;
  resolvedBy?: 'alert' | 'recheck';
  cards: IncidentCard[];
  /** Why no card could be posted (the bot is not in that conversation, …), when that happened. */
  undeliverable?: string;
}

const MAX_FINGERPRINTS = 500;
const MAX_ATTEMPTS = 8;

export class IncidentStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly storage: StateStorage) {}

  async get(key: string): Promise<Incident | undefined> {
    const item = (await this.storage.read([storageKey(key)]))[storageKey(key)];
    return isIncident(item) ? item : undefined;
  }

  /**
   * Applies `change` to the stored incident (undefined when there is none) and writes the result; returns
   * what was there and what is there now. `change` returning undefined leaves the item as it was.
   */
  update(key: string, change: (current: Incident | undefined) => Incident | undefined): Promise<{ before?: Incident; after?: Incident }> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.attempt(key, change));
    this.queues.set(key, run);
    const forget = () => {
      if (this.queues.get(key) === run) this.queues.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  private async attempt(
    key: string,
    change: (current: Incident | undefined) => Incident | undefined,
  ): Promise<{ before?: Incident; after?: Incident }> {
    const k = storageKey(key);
    for (let attempt = 1; ; attempt++) {
      const item = (await this.storage.read([k]))[k] as (Incident & { eTag?: string }) | undefined;
      const before = isIncident(item) ? withoutETag(item) : undefined;
      const after = change(before ? structuredClone(before) : undefined);
      if (!after) return { before, after: before };
      after.firing = after.firing.slice(-MAX_FINGERPRINTS);
      try {
        await this.storage.write({ [k]: { ...after, eTag: item?.eTag ?? '*' } });
        return { before, after };
      } catch (error) {
        if ((error as { code?: string }).code !== 'EtagConflict' || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}

function storageKey(key: string): string {
  return `alert-incidents/${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

function withoutETag(item: Incident & { eTag?: string }): Incident {
  const copy: Incident & { eTag?: string } = { ...item };
  delete copy.eTag;
  return copy;
}

function isIncident(item: unknown): item is Incident & { eTag?: string } {
  return typeof item === 'object' && item !== null && typeof (item as Incident).key === 'string' && Array.isArray((item as Incident).cards);
}
