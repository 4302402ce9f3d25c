/**
 * The same semantics table against both storages: file storage on a temp directory and Blob storage on
 * Azurite. "Restart" is a new instance over the same directory / container.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Store as Storage } from './store';
import { ContainerClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../test/support/azurite';
import { AzureBlobStorage } from './blob-storage';
import { StorageConflictError, StorageKeyError, isConflict } from './errors';
import { FileStorage } from './file-storage';

interface Backend {
  name: string;
  /** A fresh, empty place; `open` gives a new instance over it (as after a restart, or on another instance). */
  fresh(): { open(): Storage };
}

let azurite: Azurite;
const directories: string[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const backends: Backend[] = [
  {
    name: 'file',
    fresh() {
      const directory = mkdtempSync(path.join(tmpdir(), 'triage-storage-'));
      directories.push(directory);
      return { open: () => new FileStorage({ directory }) };
    },
  },
  {
    name: 'blob (Azurite)',
    fresh() {
      const container = azurite.uniqueContainer('state');
      return { open: () => new AzureBlobStorage({ container: new ContainerClient(azurite.connectionString, container) }) };
    },
  },
];

const HOSTILE_KEYS = [
  '../../../etc/passwd',
  '..',
  '.',
  '/absolute/path',
  'a/b',
  'a//b',
  'a\\b',
  'Case',
  'case',
  'CON',
  'nul\u0000byte',
  'emoji 🚀 / ümlaut',
  'k-plain',
  '_41',
  'A',
  'x'.repeat(1000),
  `${'x'.repeat(999)}y`,
  'msteams/conversations/19:abc@thread.tacv2;messageid=1/users/29:1xyz',
];

describe.each(backends)('$name storage', (backend) => {
  test('create, read with an eTag, read of a missing key', async () => {
    const storage = backend.fresh().open();
    await storage.write({ one: { value: 1, nested: { list: [1, 2] } } });
    const items = await storage.read(['one', 'missing']);
    expect(Object.keys(items)).toEqual(['one']);
    expect(items.one).toMatchObject({ value: 1, nested: { list: [1, 2] } });
    expect(typeof items.one.eTag).toBe('string');
    expect(String(items.one.eTag).length).toBeGreaterThan(0);
  });

  test('a write with the current eTag succeeds and changes the eTag; a stale eTag is a typed conflict', async () => {
    const storage = backend.fresh().open();
    await storage.write({ item: { state: 'pending' } });
    const first = (await storage.read(['item'])).item;
    await storage.write({ item: { ...first, state: 'approved' } });
    const second = (await storage.read(['item'])).item;
    expect(second.state).toBe('approved');
    expect(second.eTag).not.toBe(first.eTag);

    const stale = storage.write({ item: { ...first, state: 'hijacked' } });
    await expect(stale).rejects.toBeInstanceOf(StorageConflictError);
    await expect(storage.write({ item: { ...first, state: 'hijacked' } })).rejects.toMatchObject({ code: 'EtagConflict', key: 'item' });
    expect((await storage.read(['item'])).item.state).toBe('approved');
  });

  test("'*' and an absent eTag write unconditionally", async () => {
    const storage = backend.fresh().open();
    await storage.write({ item: { n: 1 } });
    await storage.write({ item: { n: 2, eTag: '*' } });
    expect((await storage.read(['item'])).item.n).toBe(2);
    await storage.write({ item: { n: 3 } });
    expect((await storage.read(['item'])).item.n).toBe(3);
  });

  test('an eTag from the future (never given out for this key) is a conflict, and changes nothing', async () => {
    const storage = backend.fresh().open();
    await storage.write({ item: { n: 1 } });
    await storage.write({ item: { n: 2 } });
    const { eTag } = (await storage.read(['item'])).item;
    const future = String(eTag).replace(/\d+/, (digits) => String(Number(digits) + 5));
    await expect(storage.write({ item: { n: 3, eTag: future } })).rejects.toBeInstanceOf(StorageConflictError);
    expect((await storage.read(['item'])).item).toMatchObject({ n: 2, eTag });
  });

  test('a conditional write to a key that does not exist is a conflict, and creates nothing', async () => {
    const storage = backend.fresh().open();
    await expect(storage.write({ ghost: { n: 1, eTag: '"12345"' } })).rejects.toBeInstanceOf(StorageConflictError);
    expect(await storage.read(['ghost'])).toEqual({});
  });

  test('delete removes; deleting a missing key is fine; the old eTag no longer writes; a fresh write does', async () => {
    const storage = backend.fresh().open();
    await storage.write({ item: { n: 1 } });
    const before = (await storage.read(['item'])).item;
    await storage.delete(['item', 'never-existed']);
    expect(await storage.read(['item'])).toEqual({});
    await expect(storage.write({ item: { ...before, n: 2 } })).rejects.toBeInstanceOf(StorageConflictError);
    expect(await storage.read(['item'])).toEqual({});
    await storage.write({ item: { n: 3 } });
    expect((await storage.read(['item'])).item.n).toBe(3);
  });

  test('restart: a new instance over the same place sees the data, and the eTag read before still works', async () => {
    const place = backend.fresh();
    const before = place.open();
    await before.write({ 'approvals/abc': { state: 'pending', who: 'Zoë Ångström' } });
    const read = (await before.read(['approvals/abc']))['approvals/abc'];

    const after = place.open();
    const again = (await after.read(['approvals/abc']))['approvals/abc'];
    expect(again).toEqual(read);
    await after.write({ 'approvals/abc': { ...again, state: 'approved' } });
    expect((await place.open().read(['approvals/abc']))['approvals/abc'].state).toBe('approved');
  });

  test('of 20 concurrent writes carrying the same eTag across two instances, exactly one wins', async () => {
    const place = backend.fresh();
    const a = place.open();
    const b = place.open();
    await a.write({ claim: { owner: 'nobody' } });
    const { eTag } = (await a.read(['claim'])).claim;
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).write({ claim: { owner: `writer-${i}`, eTag } })));
    const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [`writer-${i}`] : []));
    expect(winners).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(isConflict(result.reason)).toBe(true);
    }
    expect((await place.open().read(['claim'])).claim.owner).toBe(winners[0]);
  });

  test('hostile keys are distinct items and round-trip', async () => {
    const place = backend.fresh();
    const storage = place.open();
    const changes = Object.fromEntries(HOSTILE_KEYS.map((key, i) => [key, { index: i }]));
    await storage.write(changes);
    const items = await place.open().read(HOSTILE_KEYS);
    expect(Object.keys(items).sort()).toEqual([...HOSTILE_KEYS].sort());
    HOSTILE_KEYS.forEach((key, i) => expect(items[key].index).toBe(i));
  });

  test('an empty key is refused with a typed error', async () => {
    const storage = backend.fresh().open();
    await expect(storage.write({ '': { n: 1 } })).rejects.toBeInstanceOf(StorageKeyError);
  });
});

describe('file storage on disk', () => {
  test('hostile keys stay inside the directory, under plain names', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'triage-storage-'));
    directories.push(directory);
    const root = path.join(directory, 'state');
    const storage = new FileStorage({ directory: root });
    await storage.write(Object.fromEntries(HOSTILE_KEYS.map((key, i) => [key, { index: i }])));

    expect(readdirSync(directory)).toEqual(['state']);
    const keyDirectories = readdirSync(root);
    expect(keyDirectories).toHaveLength(HOSTILE_KEYS.length);
    for (const name of keyDirectories) {
      expect(name).toMatch(/^[kh]-[a-z0-9_-]+$/);
      expect(name.length).toBeLessThanOrEqual(170);
      expect(statSync(path.join(root, name)).isDirectory()).toBe(true);
      expect(readdirSync(path.join(root, name))).toEqual(['000000000001.json']);
    }
  });

  test('only the newest version stays on disk after updates', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'triage-storage-'));
    directories.push(directory);
    const storage = new FileStorage({ directory });
    for (let n = 0; n < 5; n++) await storage.write({ item: { n } });
    const [keyDirectory] = readdirSync(directory);
    expect(readdirSync(path.join(directory, keyDirectory))).toEqual(['000000000005.json']);
  });
});
