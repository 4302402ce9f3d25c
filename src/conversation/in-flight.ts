/**
 * The approvals that were approved and not yet finished, in one storage item, so that a starting instance can
 * find the grants a crash interrupted (the storage reads by key and cannot list). Updated with the item's
 * eTag like every other shared write, retried on conflict.
 */
import type { Store } from '../storage/store';
import { isConflict } from '../storage/errors';

const KEY = 'approval-index/in-flight';
const ATTEMPTS = 10;

export class InFlightIndex {
  constructor(private readonly storage: Store) {}

  async list(): Promise<string[]> {
    return (await this.read()).ids;
  }

  add(id: string): Promise<void> {
    return this.change((ids) => (ids.includes(id) ? ids : [...ids, id]));
  }

  remove(id: string): Promise<void> {
    return this.change((ids) => ids.filter((known) => known !== id));
  }

  private async read(): Promise<{ ids: string[]; eTag?: string }> {
    const item = (await this.storage.read([KEY]))[KEY] as { ids?: unknown; eTag?: string } | undefined;
    const ids = Array.isArray(item?.ids) ? item.ids.filter((id): id is string => typeof id === 'string') : [];
    return { ids, eTag: item?.eTag };
  }

  private async change(next: (ids: string[]) => string[]): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { ids, eTag } = await this.read();
      const changed = next(ids);
      if (changed === ids || (changed.length === ids.length && changed.every((id, i) => id === ids[i]))) return;
      try {
        // No eTag yet means the item does not exist, and the storage has no create-only write: two instances
        // creating it at the same instant can lose one id. That grant is still finished by a press on its card.
        await this.storage.write({ [KEY]: { ids: changed, eTag: eTag ?? '*' } });
        return;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error('The in-flight approvals index kept changing while it was being updated.');
  }
}
