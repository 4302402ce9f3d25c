/**
 * The durable key-value store that approvals, the card store and conversation state live in. Items are
 * plain JSON objects; a read returns each with an `eTag`, and a write that carries that eTag succeeds only
 * if nobody wrote the item since (StorageConflictError otherwise). A write without an eTag, or with `*`,
 * overwrites. The shape matches botbuilder's `Storage` on purpose, so the Teams adapter can hand the same
 * store to botbuilder, but nothing here depends on botbuilder.
 */
/** One stored item: a JSON object, with the eTag it was read at (or is to be written against). */
export type StoreItem = { eTag?: string } & Record<string, unknown>;

export type StoreItems = Record<string, StoreItem>;

export interface Store {
  /** Only the keys that exist appear in the result. */
  read(keys: string[]): Promise<StoreItems>;
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}
