import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startAzurite, type Azurite } from '../../test/support/azurite';
import { ContainerClient } from '@azure/storage-blob';
import { AzureBlobStorage, FileStorage, createAuditLog, createStorage, storageSettingsFromEnv } from './index';
import { auditContainerClient, containerClient } from './blob-clients';

let azurite: Azurite;
let directory: string;

beforeAll(async () => {
  azurite = await startAzurite();
  directory = mkdtempSync(path.join(tmpdir(), 'triage-factory-'));
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(directory, { recursive: true, force: true });
});

describe('storageSettingsFromEnv', () => {
  test('defaults to .data on disk', () => {
    expect(storageSettingsFromEnv({})).toEqual({ dataDir: '.data', blob: undefined });
  });

  test('reads the data directory and blob variables, ignoring blank ones', () => {
    expect(storageSettingsFromEnv({ TRIAGE_DATA_DIR: ' /var/lib/triage ', TRIAGE_BLOB_URL: '  ' })).toEqual({
      dataDir: '/var/lib/triage',
      blob: undefined,
    });
    expect(
      storageSettingsFromEnv({ TRIAGE_BLOB_URL: 'https://acct.blob.core.windows.net/triage-state', TRIAGE_BLOB_CONTAINER: 'other' }).blob,
    ).toEqual({ url: 'https://acct.blob.core.windows.net/triage-state', container: 'other', connectionString: undefined });
  });
});

describe('containerClient', () => {
  test('a container URL is used as it is; an account URL gets the container appended', () => {
    expect(containerClient({ url: 'https://acct.blob.core.windows.net/triage-state' }).containerName).toBe('triage-state');
    expect(containerClient({ url: 'https://acct.blob.core.windows.net/' }).containerName).toBe('triage-state');
    expect(containerClient({ url: 'https://acct.blob.core.windows.net', container: 'mine' }).containerName).toBe('mine');
  });

  test('a malformed URL names the variable and the expected form', () => {
    expect(() => containerClient({ url: 'acct.blob.core.windows.net/x' })).toThrow(/TRIAGE_BLOB_URL.*https:\/\/<account>/);
  });
});

describe('createStorage', () => {
  test('file storage under <dataDir>/state, audit beside it, data surviving a new instance', async () => {
    const dataDir = path.join(directory, 'data');
    const storage = await createStorage({ dataDir });
    expect(storage).toBeInstanceOf(FileStorage);
    await storage.write({ 'approvals/x': { state: 'pending' } });
    await (await createAuditLog({ dataDir })).append({ at: new Date().toISOString(), kind: 'triage', summary: 'healthy' });
    expect(readdirSync(dataDir).sort()).toEqual(['audit.jsonl', 'state']);
    expect((await (await createStorage({ dataDir })).read(['approvals/x']))['approvals/x'].state).toBe('pending');
  });

  test('blob storage when a connection string is set, nothing written to disk', async () => {
    const dataDir = path.join(directory, 'unused');
    const container = azurite.uniqueContainer('factory');
    const settings = { dataDir, blob: { connectionString: azurite.connectionString, container } };
    const storage = await createStorage(settings);
    expect(storage).toBeInstanceOf(AzureBlobStorage);
    await storage.write({ 'approvals/y': { state: 'pending' } });
    expect((await (await createStorage(settings)).read(['approvals/y']))['approvals/y'].state).toBe('pending');
    expect(existsSync(dataDir)).toBe(false);
  });

  test('TRIAGE_AUDIT_CONTAINER puts the audit log in its own container, apart from the working state', async () => {
    const container = azurite.uniqueContainer('state');
    const auditContainer = azurite.uniqueContainer('audit');
    const settings = storageSettingsFromEnv({
      TRIAGE_BLOB_CONNECTION_STRING: azurite.connectionString,
      TRIAGE_BLOB_CONTAINER: container,
      TRIAGE_AUDIT_CONTAINER: auditContainer,
    });
    await (await createStorage(settings)).write({ 'approvals/z': { state: 'pending' } });
    await (await createAuditLog(settings)).append({ at: new Date().toISOString(), kind: 'triage', summary: 'problems' });
    const names = async (name: string) => {
      const found: string[] = [];
      for await (const blob of new ContainerClient(azurite.connectionString, name).listBlobsFlat()) found.push(blob.name);
      return found;
    };
    expect((await names(auditContainer)).every((n) => n.startsWith('audit/'))).toBe(true);
    expect(await names(auditContainer)).toHaveLength(1);
    expect((await names(container)).some((n) => n.startsWith('audit/'))).toBe(false);
    expect((await (await createAuditLog(settings)).recent(5)).map((e) => e.summary)).toEqual(['problems']);
  });
});

describe('auditContainerClient', () => {
  test('a container URL keeps its account and swaps the container; unset means the state container', () => {
    expect(auditContainerClient({ url: 'https://acct.blob.core.windows.net/triage-state', auditContainer: 'triage-audit' }).url).toBe(
      'https://acct.blob.core.windows.net/triage-audit',
    );
    expect(auditContainerClient({ url: 'https://acct.blob.core.windows.net/triage-state' }).containerName).toBe('triage-state');
  });
});
