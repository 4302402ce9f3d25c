/**
 * The `Store` on local disk, safe for several processes sharing one directory.
 *
 * Layout: `<directory>/<storageName(key)>/<version>.json`, where `<version>` is a zero-padded counter.
 * Normally a key's directory holds exactly one JSON file, its current version; the newest version wins.
 *
 * Why versions and not one file rewritten in place: temp file + rename makes each write atomic for
 * readers, but rename replaces silently, so two processes that both read version 4 and both check "still
 * 4?" would both rename and both believe they won — the check and the replace are two steps. Here the
 * replace itself is the check: a writer holding eTag 4 writes its content to a temp file, fsyncs it, and
 * hard-links it to `…/5.json`. `link` fails with EEXIST when `5.json` exists, atomically, across processes
 * (POSIX, NTFS; a local disk as configured by TRIAGE_DATA_DIR — several hosts share Blob storage instead).
 * So of all the writers that read version 4, exactly one creates version 5; the others get a
 * StorageConflictError. The content arrives complete in the same step, so there is no lock file and
 * nothing to recover after a crash: a process that dies before `link` changed nothing, one that dies after
 * it finished the write.
 *
 * Old versions are removed once a newer one exists. A writer that read a version which has since been
 * removed could re-create it (link succeeds on a freed name), so after linking every writer looks for a
 * newer version; if one exists its file is a stale ghost that no reader ever picks (readers take the
 * newest), and it is removed and reported as a conflict. Because of that invariant versions only grow,
 * and a delete is a tombstone version rather than removing the directory (which would let the counter
 * restart below a writer still holding an old eTag).
 *
 * Every step is a round trip through libuv's small thread pool, which a busy bot shares with its turns, so
 * a write takes only the steps correctness needs: an unconditional write lists the versions but does not
 * read the newest; the directory is created once per instance; one listing after `link` both detects a
 * newer version and names the old ones to remove.
 *
 * The per-instance lock serialises this instance's writes to one key, so its own unconditional writes do
 * not race each other; correctness between processes (or instances) rests on `link` alone.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import type { Store, StoreItems } from './store';
import { StorageBusyError, StorageConflictError, StorageCorruptError } from './errors';
import { storageName } from './keys';

const VERSION_FILE = /^(\d{12})\.json$/;
const MAX_ATTEMPTS = 50;
const STALE_TEMP_MS = 10 * 60 * 1000;
const TEMP_PREFIX = '.tmp-';

interface StoredVersion {
  key: string;
  version: number;
  deleted?: true;
  value?: Record<string, unknown>;
}

interface Current {
  version: number;
  deleted: boolean;
  value?: Record<string, unknown>;
}

export interface FileStorageOptions {
  /** Directory holding one sub-directory per key; created when missing. */
  directory: string;
}

export class FileStorage implements Store {
  private readonly directory: string;
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Key directories this instance has seen: they are never removed (a delete is a tombstone), so no mkdir. */
  private readonly knownDirectories = new Set<string>();

  constructor(options: FileStorageOptions) {
    this.directory = path.resolve(options.directory);
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(
      keys.map(async (key) => {
        const current = await this.current(key);
        if (current && !current.deleted && current.value) {
          items[key] = { ...current.value, eTag: eTagOf(current.version) };
        }
      }),
    );
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(([key, item]) => {
        const { eTag, ...value } = (item ?? {}) as Record<string, unknown>;
        const expected = typeof eTag === 'string' && eTag !== '*' && eTag !== '' ? eTag : undefined;
        return this.locked(key, () => this.publish(key, { value, expected }));
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.locked(key, () => this.publish(key, { deleted: true }))));
  }

  private keyDirectory(key: string): string {
    return path.join(this.directory, storageName(key));
  }

  private async locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.locks.set(key, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private async current(key: string): Promise<Current | undefined> {
    const directory = this.keyDirectory(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const version = await newestVersion(directory);
      if (version === undefined) return undefined;
      const file = path.join(directory, versionFile(version));
      let text: string;
      try {
        text = await fs.readFile(file, 'utf8');
      } catch (error) {
        // Collected between listing and reading: a newer version exists, look again.
        if (errorCode(error) === 'ENOENT') continue;
        throw error;
      }
      const stored = parseStored(text, file);
      if (stored.key !== key) {
        throw new StorageCorruptError(`Storage: ${file} belongs to another key; move it away to reset this item.`, file);
      }
      return { version, deleted: stored.deleted === true, value: stored.value };
    }
    throw new StorageBusyError(key);
  }

  private async publish(key: string, change: { value?: Record<string, unknown>; expected?: string; deleted?: true }): Promise<void> {
    const directory = this.keyDirectory(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // A conditional write reads nothing: linking the version after the one it holds is the check (a
      // newer version or a tombstone there makes `link` fail; a ghost of a collected name is caught by the
      // listing after it). An unconditional write needs only the newest version number; a delete also needs
      // to know whether that version is a tombstone, so it reads the file.
      const current =
        change.expected !== undefined
          ? expectedVersion(change.expected, key)
          : change.deleted
            ? await this.current(key)
            : await this.newest(directory);
      // Deleting what is not there (or is already a tombstone) changes nothing.
      if (change.deleted && (!current || current.deleted)) return;

      const version = (current?.version ?? 0) + 1;
      const stored: StoredVersion = change.deleted ? { key, version, deleted: true } : { key, version, value: change.value };
      const createDirectory = change.expected === undefined && !this.knownDirectories.has(directory);
      const linked = await linkVersion(directory, version, JSON.stringify(stored), createDirectory);
      if (linked === 'gone' || linked === 'taken') {
        if (linked === 'gone') this.knownDirectories.delete(directory);
        if (change.expected !== undefined) throw new StorageConflictError(key);
        continue;
      }
      this.knownDirectories.add(directory);
      // One listing answers both "did a newer version appear meanwhile?" and "which old ones can go?".
      const { versions, temps } = await listing(directory);
      const newest = versions.reduce((m, v) => Math.max(m, v), version);
      // Only the writer of `version` collects what precedes it, so a version held by a conditional write is
      // still there now; when it is not, the eTag was never this key's (a reset directory): undo, conflict.
      const heldMissing = change.expected !== undefined && !versions.includes(version - 1);
      if (newest > version || heldMissing) {
        await removeQuietly(path.join(directory, versionFile(version)));
        if (change.expected !== undefined) throw new StorageConflictError(key);
        continue;
      }
      await collect(
        directory,
        versions.filter((v) => v < version),
        temps,
      );
      return;
    }
    throw new StorageBusyError(key);
  }

  /** The newest version's number only (tombstone or not), without reading it. */
  private async newest(directory: string): Promise<{ version: number; deleted: false } | undefined> {
    const version = await newestVersion(directory);
    return version === undefined ? undefined : { version, deleted: false };
  }
}

function eTagOf(version: number): string {
  return `"${version}"`;
}

/** The version a conditional write holds; an eTag this storage never gave out can only conflict. */
function expectedVersion(eTag: string, key: string): { version: number; deleted: false } {
  const match = /^"(\d{1,12})"$/.exec(eTag);
  if (!match) throw new StorageConflictError(key);
  return { version: Number(match[1]), deleted: false };
}

function versionFile(version: number): string {
  return `${String(version).padStart(12, '0')}.json`;
}

async function newestVersion(directory: string): Promise<number | undefined> {
  const { versions } = await listing(directory);
  return versions.length === 0 ? undefined : versions.reduce((m, v) => Math.max(m, v), 0);
}

/** The version numbers and temp files in a key directory (none when it does not exist). */
async function listing(directory: string): Promise<{ versions: number[]; temps: string[] }> {
  let names: string[];
  try {
    names = await fs.readdir(directory);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { versions: [], temps: [] };
    throw error;
  }
  const versions: number[] = [];
  const temps: string[] = [];
  for (const name of names) {
    const match = VERSION_FILE.exec(name);
    if (match) versions.push(Number(match[1]));
    else if (name.startsWith(TEMP_PREFIX)) temps.push(name);
  }
  return { versions, temps };
}

/** Removes superseded versions, and temp files left by writers that died mid-write. */
async function collect(directory: string, old: number[], temps: string[]): Promise<void> {
  await Promise.all([
    ...old.map((v) => removeQuietly(path.join(directory, versionFile(v)))),
    ...temps.map(async (name) => {
      const file = path.join(directory, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > STALE_TEMP_MS) await removeQuietly(file);
    }),
  ]);
}

/**
 * Writes `content` as version `version` in one exclusive step (see the file comment). `createDirectory`
 * is false for conditional writes: their key must still exist.
 */
async function linkVersion(directory: string, version: number, content: string, createDirectory: boolean): Promise<'linked' | 'taken' | 'gone'> {
  if (createDirectory) await fs.mkdir(directory, { recursive: true });
  const temp = path.join(directory, `${TEMP_PREFIX}${randomBytes(12).toString('hex')}`);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await removeQuietly(temp);
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    await fs.link(temp, path.join(directory, versionFile(version)));
  } catch (error) {
    await removeQuietly(temp);
    if (errorCode(error) === 'EEXIST') return 'taken';
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw error;
  }
  // Independent steps, so they share the wait: each sequential step costs the writer an event-loop iteration.
  await Promise.all([removeQuietly(temp), syncDirectory(directory)]);
  return 'linked';
}

/** Makes the new directory entry durable (POSIX); directories cannot be opened for sync on Windows. */
async function syncDirectory(directory: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(directory, 'r');
    await handle.sync();
  } catch {
    return;
  } finally {
    await handle?.close();
  }
}

/** unlink, not rm: rm first asks what the path is (lstat), and these are always files. */
async function removeQuietly(file: string): Promise<void> {
  try {
    await fs.unlink(file);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

function parseStored(text: string, file: string): StoredVersion {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StorageCorruptError(`Storage: ${file} is not valid JSON; move it away to reset this item.`, file);
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { version?: unknown }).version !== 'number') {
    throw new StorageCorruptError(`Storage: ${file} was not written by this storage; move it away to reset this item.`, file);
  }
  const stored = parsed as StoredVersion;
  if (!stored.deleted && (typeof stored.value !== 'object' || stored.value === null)) {
    throw new StorageCorruptError(`Storage: ${file} holds no item value; move it away to reset this item.`, file);
  }
  return stored;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
    ? (error as { code: string }).code
    : undefined;
}
