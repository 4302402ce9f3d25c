/** Where a configuration puts things: the local data directory, or the blob container. */
import * as path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { DefaultAzureCredential } from '@azure/identity';
import { DEFAULT_BLOB_CONTAINER, DEFAULT_DATA_DIR, type BlobSettings, type StorageSettings } from './settings';

export function dataDirectory(settings: StorageSettings): string {
  return path.resolve(settings.dataDir ?? DEFAULT_DATA_DIR);
}

/** One client per call; both item storage and the audit log use the same container under different prefixes. */
export function containerClient(blob: BlobSettings): ContainerClient {
  if (blob.connectionString) {
    return new ContainerClient(blob.connectionString, blob.container ?? DEFAULT_BLOB_CONTAINER);
  }
  if (!blob.url) {
    throw new Error('Blob storage needs TRIAGE_BLOB_CONNECTION_STRING or TRIAGE_BLOB_URL.');
  }
  let url: URL;
  try {
    url = new URL(blob.url);
  } catch {
    throw new Error(`TRIAGE_BLOB_URL is not a URL: "${blob.url}". Use https://<account>.blob.core.windows.net/<container>.`);
  }
  if (url.pathname === '/' || url.pathname === '') {
    url.pathname = `/${blob.container ?? DEFAULT_BLOB_CONTAINER}`;
  }
  return new ContainerClient(url.toString(), blob.credential ?? new DefaultAzureCredential());
}

/** The audit log's container: TRIAGE_AUDIT_CONTAINER in the same account, else the state container. */
export function auditContainerClient(blob: BlobSettings): ContainerClient {
  const state = containerClient(blob);
  if (!blob.auditContainer) return state;
  if (blob.connectionString) return new ContainerClient(blob.connectionString, blob.auditContainer);
  const url = new URL(state.url);
  url.pathname = `/${blob.auditContainer}`;
  return new ContainerClient(url.toString(), blob.credential ?? new DefaultAzureCredential());
}

/**
 * `createIfNotExists` once per client, shared by every caller; a failure is not remembered, so the next
 * call tries again (the account may have been unreachable for a moment).
 */
export function containerCreator(container: ContainerClient): () => Promise<unknown> {
  let ready: Promise<unknown> | undefined;
  return () => {
    ready ??= container.createIfNotExists().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
