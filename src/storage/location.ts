/** Where a configuration puts things: the local data directory, or the blob container. */
import * as path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { DEFAULT_DATA_DIR, type BlobSettings, type StorageSettings } from './settings';

export function dataDirectory(settings: StorageSettings): string {
  return path.resolve(settings.dataDir ?? DEFAULT_DATA_DIR);
}

/** Longest one Blob operation (its retries included) may take by default (BlobSettings.callTimeoutMs). */
export const DEFAULT_BLOB_CALL_TIMEOUT_MS = 20_000;

/**
 * Every Blob call ends. The SDK sets no client-side timeout (its `tryTimeoutInMs` is only the server-side
 * `timeout` parameter: a storage endpoint that accepts the connection and never answers holds the call for
 * good), and approvals, conversation state and the audit log all wait on Blob — a hung call would hold a
 * turn, a triage slot or a grant. So each call carries this deadline as its abort signal.
 */
export function blobDeadline(settings: Pick<BlobSettings, 'callTimeoutMs'>, signal?: AbortSignal): () => AbortSignal {
  const ms = settings.callTimeoutMs ?? DEFAULT_BLOB_CALL_TIMEOUT_MS;
  return () => (signal ? AbortSignal.any([signal, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms));
}

/**
 * `createIfNotExists` once per client, shared by every caller; a failure is not remembered, so the next
 * call tries again (the account may have been unreachable for a moment).
 */
export function containerCreator(container: ContainerClient, deadline: () => AbortSignal): () => Promise<unknown> {
  let ready: Promise<unknown> | undefined;
  return () => {
    ready ??= container.createIfNotExists({ abortSignal: deadline() }).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
