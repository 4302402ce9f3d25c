/**
 * What a findings card was rendered from, kept beside its approval so that any instance can re-render it
 * (after the grant, on refresh) without the original triage. Written once per approval.
 */
import type { AlertBannerView } from '../channels/alert-banner';
import type { Store } from '../storage/store';
import type { TriageSnapshot } from '../channels/view-model';
import type { TargetRefs } from '../triage/refs';

export interface CardState {
  snapshot: TriageSnapshot;
  refs: TargetRefs;
  /** Set on cards an alert posted: kept on top when the card is re-rendered after a press. */
  banner?: AlertBannerView;
}

const key = (approvalId: string) => `triage-cards/${approvalId}`;

export class CardStore {
  constructor(private readonly storage: Store) {}

  async save(approvalId: string, state: CardState): Promise<void> {
    await this.storage.write({ [key(approvalId)]: { ...state, eTag: '*' } });
  }

  async load(approvalId: string): Promise<CardState | undefined> {
    const items = await this.storage.read([key(approvalId)]);
    const item: unknown = items[key(approvalId)];
    if (!item || typeof item !== 'object' || !('snapshot' in item) || !('refs' in item)) return undefined;
    return item as CardState;
  }
}
