import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../test/support/azurite';
import { BlobAuditLog, FileAuditLog, createAuditLog, readAudit, type AuditEntry } from './audit';

let azurite: Azurite;
const directories: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function tempDir(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'triage-audit-'));
  directories.push(directory);
  return directory;
}

function entry(i: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return {
    at: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    kind: 'approval-refused',
    approvalId: `id-${i}`,
    actor: { id: `user-${i}`, channel: 'msteams', name: 'Zoë\nwith a newline' },
    reason: 'not-approver',
    ...extra,
  };
}

describe('file audit log', () => {
  test('appends JSON lines and returns the newest n, oldest first', async () => {
    const dataDir = tempDir();
    const log = await createAuditLog({ dataDir });
    for (let i = 0; i < 5; i++) await log.append(entry(i));
    const lines = readFileSync(path.join(dataDir, 'audit.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(JSON.parse(lines[0])).toMatchObject({ approvalId: 'id-0', actor: { name: 'Zoë\nwith a newline' } });
    expect((await log.recent(3)).map((e) => e.approvalId)).toEqual(['id-2', 'id-3', 'id-4']);
    expect((await log.recent(50)).map((e) => e.approvalId)).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
    expect(await log.recent(0)).toEqual([]);
    expect((await log.recent(1))[0].instance).toMatch(/#\d+$/);
  });

  test('an empty or missing log has no entries', async () => {
    expect(await readAudit({ dataDir: tempDir() })).toEqual([]);
  });

  test('recent reads across chunk boundaries of a long log', async () => {
    const file = path.join(tempDir(), 'audit.jsonl');
    const log = new FileAuditLog({ file });
    const padding = 'x'.repeat(900);
    for (let i = 0; i < 300; i++) await log.append(entry(i, { summary: padding }));
    const newest = await log.recent(120);
    expect(newest.map((e) => e.approvalId)).toEqual(Array.from({ length: 120 }, (_, i) => `id-${180 + i}`));
    expect(await readAudit({ dataDir: path.dirname(file) }, { limit: Infinity })).toHaveLength(300);
  });

  test('concurrent appends from two log instances keep every line whole', async () => {
    const dataDir = tempDir();
    const a = await createAuditLog({ dataDir });
    const b = await createAuditLog({ dataDir });
    const big = 'y'.repeat(20_000);
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).append(entry(i, { summary: big }))));
    const all = await readAudit({ dataDir }, { limit: Infinity });
    expect(all.map((e) => e.approvalId).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `id-${i}`).sort());
    expect(all.every((e) => e.summary === big)).toBe(true);
  });

  test('a torn last line (power cut mid-write) is skipped, and the next process starts a fresh line', async () => {
    const dataDir = tempDir();
    const log = await createAuditLog({ dataDir });
    await log.append(entry(1));
    appendFileSync(path.join(dataDir, 'audit.jsonl'), '{"at":"2025-01-01T00:00:02.000Z","kind":"gra');
    expect((await log.recent(10)).map((e) => e.approvalId)).toEqual(['id-1']);
    const restarted = await createAuditLog({ dataDir });
    await restarted.append(entry(3));
    expect((await restarted.recent(10)).map((e) => e.approvalId)).toEqual(['id-1', 'id-3']);
  });
});

describe('blob audit log (Azurite)', () => {
  test('two instances append to one container; recent walks back across days, oldest first', async () => {
    const container = azurite.uniqueContainer('audit');
    let now = new Date('2025-03-01T23:59:00Z');
    const clock = (): Date => now;
    const a = new BlobAuditLog({ container: new ContainerClient(azurite.connectionString, container), now: clock });
    const b = new BlobAuditLog({ container: new ContainerClient(azurite.connectionString, container), now: clock });
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).append(entry(i))));
    now = new Date('2025-03-02T00:01:00Z');
    await a.append(entry(10));
    await b.append(entry(11));

    const names: string[] = [];
    for await (const blob of new ContainerClient(azurite.connectionString, container).listBlobsFlat()) names.push(blob.name);
    expect(names.sort()).toEqual(['audit/2025-03-01/000.jsonl', 'audit/2025-03-02/000.jsonl']);

    const settings = { blob: { connectionString: azurite.connectionString, container } };
    const newest = await readAudit(settings, { limit: 4 });
    expect(newest.slice(2).map((e) => e.approvalId)).toEqual(['id-10', 'id-11']);
    expect(newest.slice(0, 2).every((e) => /^id-\d$/.test(e.approvalId ?? ''))).toBe(true);
    const all = await readAudit(settings, { limit: Infinity });
    expect(all.map((e) => e.approvalId).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `id-${i}`).sort());
  });

  test('an empty container has no entries', async () => {
    const container = azurite.uniqueContainer('audit');
    expect(await readAudit({ blob: { connectionString: azurite.connectionString, container } })).toEqual([]);
  });
});
