/**
 * The Blob containers a configuration names. A module of its own, loaded only when Blob storage is configured
 * (createStorage, createAuditLog): the Storage SDK is some 6 MB of heap and 20 MB of resident memory that a
 * bot keeping its state on local disk would carry for nothing.
 */
import { ContainerClient } from '@azure/storage-blob';
import { DefaultAzureCredential } from '@azure/identity';
import { DEFAULT_BLOB_CONTAINER, type BlobSettings } from './settings';

/** Few retries: each Blob call also has its own deadline (blobDeadline), and its retries count against it. */
const BLOB_PIPELINE = { retryOptions: { maxTries: 3 } };

/** One client per call; both item storage and the audit log use the same container under different prefixes. */
export function containerClient(blob: BlobSettings): ContainerClient {
  if (blob.connectionString) {
    return new ContainerClient(blob.connectionString, blob.container ?? DEFAULT_BLOB_CONTAINER, BLOB_PIPELINE);
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
  return new ContainerClient(url.toString(), blob.credential ?? new DefaultAzureCredential(), BLOB_PIPELINE);
}

/** The audit log's container: TRIAGE_AUDIT_CONTAINER in the same account, else the state container. */
export function auditContainerClient(blob: BlobSettings): ContainerClient {
  const state = containerClient(blob);
  if (!blob.auditContainer) return state;
  if (blob.connectionString) return new ContainerClient(blob.connectionString, blob.auditContainer, BLOB_PIPELINE);
  const url = new URL(state.url);
  url.pathname = `/${blob.auditContainer}`;
  return new ContainerClient(url.toString(), blob.credential ?? new DefaultAzureCredential(), BLOB_PIPELINE);
}
