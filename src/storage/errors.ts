/**
 * Typed storage errors. Callers decide on `code`, never on message text: a conflict means "someone else
 * changed this item since you read it" and is the signal the approval claim is built on.
 */

/** A write carried an eTag that no longer matches the stored item (or the item is gone). */
export class StorageConflictError extends Error {
  readonly code = 'EtagConflict';
  constructor(readonly key: string) {
    super(`Storage: the item "${key}" was changed or removed by someone else since it was read (eTag conflict).`);
    this.name = 'StorageConflictError';
  }
}

/** A key that cannot name an item (empty). */
export class StorageKeyError extends Error {
  readonly code = 'InvalidStorageKey';
  constructor(message: string) {
    super(message);
    this.name = 'StorageKeyError';
  }
}

/** A stored item that cannot be read back (not JSON, or written by something else). */
export class StorageCorruptError extends Error {
  readonly code = 'CorruptStorageItem';
  constructor(
    message: string,
    readonly location: string,
  ) {
    super(message);
    this.name = 'StorageCorruptError';
  }
}

/** Gave up after many lost races for an unconditional write (heavy contention on one key). */
export class StorageBusyError extends Error {
  readonly code = 'StorageBusy';
  constructor(readonly key: string) {
    super(`Storage: could not write "${key}": other writers kept changing it. Try again.`);
    this.name = 'StorageBusyError';
  }
}

/**
 * True for an eTag conflict from our storages, and from botbuilder's own MemoryStorage / BlobsStorage,
 * which throw a plain Error whose only marker is its message (so a caller handed one of those still works).
 */
export function isConflict(error: unknown): boolean {
  if (error instanceof StorageConflictError) return true;
  if (typeof error !== 'object' || error === null) return false;
  if ((error as { code?: unknown }).code === 'EtagConflict') return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /due to eTag conflict/.test(message);
}
