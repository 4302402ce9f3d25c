/**
 * The audit log: who asked for what, who approved or was refused and why, what was granted and whether
 * it took. Append-only and durable before the call returns.
 *  - On disk: `<TRIAGE_DATA_DIR>/audit.jsonl`, one JSON line per entry written with a single O_APPEND
 *    write and fsync, so concurrent processes never interleave inside a line.
 *  - On Blob: one append blob per UTC day (`audit/2025-01-31/000.jsonl`), one block per entry; Azure
 *    appends each block atomically, so several instances write to the same blob safely. Names sort by
 *    time, which is what `recent` walks backwards. A day's blob that reaches Azure's 50,000-block limit
 *    continues in `001.jsonl`.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import type { GrantOutcome, VerifyOutcome } from '../triage/engine';
import type { GrantPlan } from '../triage/remediation';
import { INSTANCE_ID } from '../instance';
import { readAll, statusOf } from './blob-storage';
import { blobDeadline, containerCreator, dataDirectory } from './location';
import type { StorageSettings } from './settings';

/**
 * `grant-started` is written before the role-assignment PUT: a grant with no such entry was never attempted.
 * `grant-resumed`: an interrupted grant taken over to be finished (after a crash or a stuck executor).
 */
export type AuditKind =
  'triage' | 'approval-requested' | 'approval-refused' | 'approved' | 'grant-started' | 'grant-resumed' | 'grant' | 'verification';

/** A person as the channel authenticated them (same shape as the bot's Person). */
export interface AuditActor {
  id: string;
  aadObjectId?: string;
  name?: string;
  channel: string;
}

export interface AuditEntry {
  at: string;
  kind: AuditKind;
  actor?: AuditActor;
  approvalId?: string;
  /** Resource ids (or the refs as written, for a triage that did not resolve them). */
  target?: { cluster: string; registry: string; image?: string };
  plan?: GrantPlan;
  outcome?: GrantOutcome;
  verification?: VerifyOutcome;
  assignmentId?: string;
  correlationId?: string;
  summary?: string;
  /** Why something was refused or failed, in words for the on-call engineer. */
  reason?: string;
  /** Which bot instance wrote the entry (`host#pid`), for deployments with several. */
  instance?: string;
}

export interface AuditLog {
  append(entry: AuditEntry, options?: { signal?: AbortSignal }): Promise<void>;
  /** The newest `n` entries, oldest first. */
  recent(n: number, options?: { signal?: AbortSignal }): Promise<AuditEntry[]>;
}

export async function createAuditLog(settings: StorageSettings): Promise<AuditLog> {
  if (settings.blob) {
    const { auditContainerClient } = await import('./blob-clients');
    return new BlobAuditLog({ container: auditContainerClient(settings.blob), callTimeoutMs: settings.blob.callTimeoutMs });
  }
  return new FileAuditLog({ file: path.join(dataDirectory(settings), 'audit.jsonl') });
}

/** For `aks-registry-triage audit`: the newest entries (all of them with `limit: Infinity`), oldest first. */
export async function readAudit(settings: StorageSettings, options: { limit?: number; signal?: AbortSignal } = {}): Promise<AuditEntry[]> {
  return (await createAuditLog(settings)).recent(options.limit ?? 100, { signal: options.signal });
}

function line(entry: AuditEntry): string {
  return `${JSON.stringify({ ...entry, instance: entry.instance ?? INSTANCE_ID })}\n`;
}

/** Lines that are not entries (a torn tail after a power cut, a hand edit) are skipped, not fatal: the rest is still evidence. */
function parseLines(text: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { kind?: unknown }).kind === 'string') {
        entries.push(parsed as AuditEntry);
      }
    } catch {
      continue;
    }
  }
  return entries;
}

function checkCount(n: number): void {
  if (!(n >= 0)) throw new RangeError(`recent(n) needs a count of zero or more, got ${n}.`);
}

/**
 * One JSON line per entry, appended to a local file. Appends made while a write is in flight are written
 * together by the next one (group commit): each append still resolves only after the fdatasync that
 * covers it, but a burst of triages costs a few syncs instead of one each.
 */
export class FileAuditLog implements AuditLog {
  private readonly file: string;
  private pending: { text: string; done: (error?: unknown) => void }[] = [];
  private writing = false;
  private tailChecked = false;
  private directoryReady = false;

  constructor(options: { file: string }) {
    this.file = path.resolve(options.file);
  }

  append(entry: AuditEntry, options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    const text = line(entry);
    // One process appends in order; across processes O_APPEND keeps whole lines.
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, done: (error) => (error === undefined ? resolve() : reject(error)) });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.write(batch.map((b) => b.text).join(''));
          batch.forEach((b) => b.done());
        } catch (error) {
          batch.forEach((b) => b.done(error ?? new Error('audit append failed')));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(text: string): Promise<void> {
    if (!this.directoryReady) {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      this.directoryReady = true;
    }
    let handle;
    try {
      handle = await fs.open(this.file, 'a+');
    } catch (error) {
      // The directory was removed under us: make it again next time.
      this.directoryReady = false;
      throw error;
    }
    try {
      // A process that died mid-append leaves a line without its newline; start on a fresh line so the
      // torn line does not swallow this entry. Only the first append of this instance can meet one.
      if (!this.tailChecked) {
        const { size } = await handle.stat();
        const last = Buffer.alloc(1);
        if (size > 0) await handle.read(last, 0, 1, size - 1);
        if (size > 0 && last[0] !== 0x0a) text = `\n${text}`;
        this.tailChecked = true;
      }
      await handle.write(text);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }

  async recent(n: number, options: { signal?: AbortSignal } = {}): Promise<AuditEntry[]> {
    checkCount(n);
    if (n === 0) return [];
    let handle;
    try {
      handle = await fs.open(this.file, 'r');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error;
    }
    try {
      // Read backwards in chunks until enough whole lines are in hand, so a long log costs what n costs.
      const { size } = await handle.stat();
      const chunkSize = 64 * 1024;
      let position = size;
      let tail = Buffer.alloc(0);
      let entries: AuditEntry[] = [];
      while (position > 0) {
        options.signal?.throwIfAborted();
        const length = Math.min(chunkSize, position);
        position -= length;
        const chunk = Buffer.alloc(length);
        await handle.read(chunk, 0, length, position);
        tail = Buffer.concat([chunk, tail]);
        const text = tail.toString('utf8');
        // The first line may be cut by the chunk boundary unless we reached the start of the file.
        const whole = position === 0 ? text : text.slice(text.indexOf('\n') + 1);
        entries = parseLines(whole);
        if (entries.length >= n) break;
      }
      return entries.slice(-n);
    } finally {
      await handle.close();
    }
  }
}

const AUDIT_PREFIX = 'audit/';
const BLOCK_LIMIT_CODE = 'BlockCountExceedsLimit';

export class BlobAuditLog implements AuditLog {
  private readonly container: ContainerClient;
  private readonly now: () => Date;
  /** The part this instance appends to for each day, once it knows an earlier part is full. */
  private readonly parts = new Map<string, number>();
  private readonly containerReady: () => Promise<unknown>;
  private readonly callTimeoutMs?: number;

  constructor(options: { container: ContainerClient; now?: () => Date; callTimeoutMs?: number }) {
    this.container = options.container;
    this.callTimeoutMs = options.callTimeoutMs;
    this.containerReady = containerCreator(options.container, blobDeadline(options));
    this.now = options.now ?? (() => new Date());
  }

  async append(entry: AuditEntry, options: { signal?: AbortSignal } = {}): Promise<void> {
    const deadline = blobDeadline({ callTimeoutMs: this.callTimeoutMs }, options.signal);
    await this.containerReady();
    const body = Buffer.from(line(entry), 'utf8');
    const day = this.now().toISOString().slice(0, 10);
    let part = this.parts.get(day) ?? 0;
    for (let attempt = 0; ; attempt++) {
      const blob = this.container.getAppendBlobClient(`${AUDIT_PREFIX}${day}/${String(part).padStart(3, '0')}.jsonl`);
      try {
        await blob.appendBlock(body, body.length, { abortSignal: deadline() });
        this.parts.set(day, part);
        return;
      } catch (error) {
        if (statusOf(error) === 404 && attempt < 3) {
          await blob.createIfNotExists({ abortSignal: deadline(), blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
          continue;
        }
        if ((error as { code?: unknown }).code === BLOCK_LIMIT_CODE && attempt < 1000) {
          part += 1;
          continue;
        }
        throw error;
      }
    }
  }

  async recent(n: number, options: { signal?: AbortSignal } = {}): Promise<AuditEntry[]> {
    checkCount(n);
    if (n === 0) return [];
    const deadline = blobDeadline({ callTimeoutMs: this.callTimeoutMs }, options.signal);
    await this.containerReady();
    const names: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: AUDIT_PREFIX, abortSignal: deadline() })) {
      names.push(blob.name);
    }
    names.sort();
    let entries: AuditEntry[] = [];
    for (let index = names.length - 1; index >= 0 && entries.length < n; index--) {
      const response = await this.container.getBlobClient(names[index]).download(0, undefined, { abortSignal: deadline() });
      entries = [...parseLines((await readAll(response.readableStreamBody)).toString('utf8')), ...entries];
    }
    return entries.slice(-n);
  }
}
