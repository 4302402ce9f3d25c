/**
 * Where durable state lives. The bot's settings module reads the environment; this is the part of it the
 * storage needs, plus a reader of the same variables for the CLI (`aks-registry-triage audit`).
 */
import type { TokenCredential } from '@azure/core-auth';

export const DEFAULT_DATA_DIR = '.data';
/** The container the deployment template creates; used when a connection string names none. */
export const DEFAULT_BLOB_CONTAINER = 'triage-state';

export interface BlobSettings {
  /** TRIAGE_BLOB_CONNECTION_STRING (account key or SAS; Azurite in tests). */
  connectionString?: string;
  /** TRIAGE_BLOB_URL: the container URL (`https://<account>.blob.core.windows.net/<container>`), reached with `credential`. */
  url?: string;
  /** TRIAGE_BLOB_CONTAINER, for a connection string or an account URL without a container path. */
  container?: string;
  /**
   * TRIAGE_AUDIT_CONTAINER: the audit log's own container in the same account (the template's is
   * immutable: append-only under a time-based retention policy). Unset: the state container.
   */
  auditContainer?: string;
  /** For `url`; default DefaultAzureCredential (managed identity on App Service, AZURE_CLIENT_ID picks a user-assigned one). */
  credential?: TokenCredential;
}

export interface StorageSettings {
  /** TRIAGE_DATA_DIR; default `.data`. Ignored for items when `blob` is set. */
  dataDir?: string;
  /** Set when state is shared between instances through Azure Blob Storage. */
  blob?: BlobSettings;
}

export function storageSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StorageSettings {
  const connectionString = nonEmpty(env.TRIAGE_BLOB_CONNECTION_STRING);
  const url = nonEmpty(env.TRIAGE_BLOB_URL);
  const container = nonEmpty(env.TRIAGE_BLOB_CONTAINER);
  const auditContainer = nonEmpty(env.TRIAGE_AUDIT_CONTAINER);
  return {
    dataDir: nonEmpty(env.TRIAGE_DATA_DIR) ?? DEFAULT_DATA_DIR,
    blob: connectionString || url ? { connectionString, url, container, ...(auditContainer ? { auditContainer } : {}) } : undefined,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
