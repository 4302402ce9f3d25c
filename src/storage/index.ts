/**
 * Storage factory: file storage on disk by default; Azure Blob Storage when a blob connection string or
 * URL is configured (several instances share approvals and conversation state through it).
 */
import * as path from 'node:path';
import type { Store } from './store';
import { AzureBlobStorage } from './blob-storage';
import { FileStorage } from './file-storage';
import { dataDirectory } from './location';
import type { StorageSettings } from './settings';

export { BlobAuditLog, FileAuditLog, createAuditLog, readAudit, type AuditActor, type AuditEntry, type AuditKind, type AuditLog } from './audit';
export { AzureBlobStorage } from './blob-storage';
export { FileStorage } from './file-storage';
export type { Store, StoreItems } from './store';
export { StorageBusyError, StorageConflictError, StorageCorruptError, StorageKeyError, isConflict } from './errors';
export { dataDirectory } from './location';
export { storageSettingsFromEnv, type BlobSettings, type StorageSettings } from './settings';

export async function createStorage(settings: StorageSettings): Promise<Store> {
  if (settings.blob) {
    const { containerClient } = await import('./blob-clients');
    return new AzureBlobStorage({ container: containerClient(settings.blob), callTimeoutMs: settings.blob.callTimeoutMs });
  }
  return new FileStorage({ directory: path.join(dataDirectory(settings), 'state') });
}
