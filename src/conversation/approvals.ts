/**
 * Approvals: the server-side half of the grant button (docs/domain.md#approvals). The card carries only an
 * opaque id; what would be granted lives here, in durable storage, and is carried out once, by an
 * approver who is not the requester, before the approval expires.
 *
 * Exactly once: pressing claims the record by an eTag-conditional write from `pending` to `approved`.
 * Every press reads the record, checks it, and writes with the eTag it read; the storage lets exactly one
 * of the writes that carry the same eTag through, whichever process or instance makes it (file storage:
 * exclusive version files; Blob: If-Match). A press that loses re-reads and reports what happened.
 * Executing claims once more (`executionStartedAt`, same mechanism), so even a duplicated execute call
 * cannot reach Azure twice.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../storage/store';
import type { AuditEntry, AuditLog } from '../storage/audit';
import { isConflict } from '../storage/errors';
import type { GrantOutcome, TriageEngine, VerifyOutcome } from '../triage/engine';
import type { GrantPlan } from '../triage/remediation';
import { asLocation, type MessageLocation } from './location';

/** From the authenticated activity only, never from card data. */
export interface Person {
  id: string;
  aadObjectId?: string;
  name?: string;
  channel: string;
}

export type ApprovalState = 'pending' | 'approved' | 'granted' | 'failed' | 'expired';

export interface ApprovalRecord {
  /** Opaque, unguessable: 192 random bits, base64url (32 characters). */
  id: string;
  plan: GrantPlan;
  requester: Person;
  /** The findings message that offers it, to replace after the grant. */
  location?: MessageLocation;
  /** Evidence snapshot for the audit: verdict + failing check ids + key evidence lines. */
  summary: string;
  createdAt: string;
  expiresAt: string;
  state: ApprovalState;
  approvedBy?: Person;
  approvedAt?: string;
  /** Set when execution starts; a record that has it is never executed again. */
  executionStartedAt?: string;
  outcome?: GrantOutcome;
  verification?: VerifyOutcome;
  finishedAt?: string;
}

export type RefusalReason = 'not-approver' | 'self-approval' | 'expired' | 'already-handled' | 'unknown-id';

export type PressResult =
  /** This press claimed it: go and execute. */
  | { kind: 'accepted'; record: ApprovalRecord }
  /** Why, and the record when there is one; src/conversation/wording.ts says it to the presser. */
  | { kind: 'refused'; reason: RefusalReason; record?: ApprovalRecord };

export interface ApprovalServiceOptions {
  storage: Store;
  audit: AuditLog;
  engine: TriageEngine;
  /** TRIAGE_APPROVERS: Entra object ids (Teams) and `slack:<user id>` entries. */
  approvers: readonly string[];
  allowSelfApproval: boolean;
  /** TRIAGE_APPROVAL_TTL in ms (DEFAULT_APPROVAL_TTL_MS: one hour). */
  ttlMs: number;
  now?: () => Date;
  /** Waits between verification attempts while the assignment propagates. */
  verifyDelaysMs?: number[];
  /** Back-off between retries of the role-assignment PUT. */
  retryDelaysMs?: number[];
  /** Where failures that must not change the outcome (an audit append, the final record write) are reported. */
  log?: (message: string, error?: unknown) => void;
}

export const DEFAULT_APPROVAL_TTL_MS = 60 * 60 * 1000;

const ID_BYTES = 24;
const ID_FORM = /^[A-Za-z0-9_-]{32}$/;
const KEY_PREFIX = 'approvals/';
const MAX_CLAIM_ATTEMPTS = 10;

/** True only for ids this service could have issued; anything else never reaches a storage key. */
export function isApprovalId(id: unknown): id is string {
  return typeof id === 'string' && ID_FORM.test(id);
}

export class ApprovalService {
  private readonly storage: Store;
  private readonly audit: AuditLog;
  private readonly engine: TriageEngine;
  private readonly approvers: readonly string[];
  private readonly allowSelfApproval: boolean;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly verifyDelaysMs?: number[];
  private readonly retryDelaysMs?: number[];
  private readonly log: (message: string, error?: unknown) => void;

  constructor(options: ApprovalServiceOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError(`Approval TTL must be a positive number of ms, got ${options.ttlMs}.`);
    this.storage = options.storage;
    this.audit = options.audit;
    this.engine = options.engine;
    this.approvers = options.approvers.map((entry) => entry.trim()).filter((entry) => entry.length > 0);
    this.allowSelfApproval = options.allowSelfApproval;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? (() => new Date());
    this.verifyDelaysMs = options.verifyDelaysMs;
    this.retryDelaysMs = options.retryDelaysMs;
    this.log = options.log ?? ((message, error) => console.error(`[approvals] ${message}`, error ?? ''));
  }

  async create(input: {
    plan: GrantPlan;
    requester: Person;
    summary: string;
    location?: MessageLocation;
  }): Promise<ApprovalRecord> {
    const created = this.now();
    const record: ApprovalRecord = {
      id: randomBytes(ID_BYTES).toString('base64url'),
      plan: input.plan,
      requester: input.requester,
      ...(input.location ? { location: input.location } : {}),
      summary: input.summary,
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + this.ttlMs).toISOString(),
      state: 'pending',
    };
    // 192 random bits cannot collide with an existing id, so an unconditional write creates.
    await this.storage.write({ [keyOf(record.id)]: { ...record } });
    await this.record({
      kind: 'approval-requested',
      actor: input.requester,
      approvalId: record.id,
      target: targetOf(record.plan),
      plan: record.plan,
      summary: record.summary,
    });
    return record;
  }

  /** The record as stored; a pending record past its expiry reads as `expired`. */
  async get(id: string): Promise<ApprovalRecord | undefined> {
    const stored = await this.load(id);
    if (!stored) return undefined;
    const { record } = stored;
    return record.state === 'pending' && this.isExpired(record) ? { ...record, state: 'expired' } : record;
  }

  isApprover(person: Person): boolean {
    return this.approvers.some((entry) => {
      if (entry.toLowerCase().startsWith('slack:')) {
        return person.channel === 'slack' && person.id === entry.slice('slack:'.length);
      }
      // Entra object ids come from Teams-style activities; a Slack user never matches one.
      return person.channel !== 'slack' && !!person.aadObjectId && person.aadObjectId.toLowerCase() === entry.toLowerCase();
    });
  }

  /** `id` is whatever the button carried: anything but an id this service issues is refused and audited. */
  async press(id: unknown, presser: Person): Promise<PressResult> {
    if (!isApprovalId(id)) {
      return this.refuse('unknown-id', presser, undefined, `malformed approval id (${describeTampered(id)})`);
    }
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const stored = await this.load(id);
      if (!stored) return this.refuse('unknown-id', presser, undefined, 'no approval with this id', id);
      const { record, eTag } = stored;

      if (!this.isApprover(presser)) {
        return this.refuse('not-approver', presser, record);
      }
      if (!this.allowSelfApproval && samePerson(presser, record.requester)) {
        return this.refuse('self-approval', presser, record);
      }
      if (record.state === 'expired' || (record.state === 'pending' && this.isExpired(record))) {
        if (record.state === 'pending') await this.markExpired(record, eTag);
        return this.refuse('expired', presser, { ...record, state: 'expired' });
      }
      if (record.state !== 'pending') {
        return this.refuse('already-handled', presser, record);
      }

      const approved: ApprovalRecord = { ...record, state: 'approved', approvedBy: presser, approvedAt: this.now().toISOString() };
      try {
        await this.storage.write({ [keyOf(id)]: { ...approved, eTag } });
      } catch (error) {
        // Someone else wrote first: another press (then the next read says already handled) or a card
        // update (then the record is still pending and this press tries again).
        if (isConflict(error)) continue;
        throw error;
      }
      await this.record({
        kind: 'approved',
        actor: presser,
        approvalId: id,
        target: targetOf(record.plan),
        plan: record.plan,
        summary: record.summary,
      });
      return { kind: 'accepted', record: approved };
    }
    const latest = (await this.load(id))?.record;
    return this.refuse('already-handled', presser, latest, 'lost every claim race');
  }

  async execute(record: ApprovalRecord, options: { signal?: AbortSignal } = {}): Promise<ApprovalRecord> {
    let claimed: ApprovalRecord | undefined;
    try {
      claimed = await this.claimExecution(record.id);
    } catch (error) {
      this.log(`could not claim approval ${record.id} for execution`, error);
      return record;
    }
    if (!claimed) return (await this.get(record.id).catch(() => undefined)) ?? record;

    const plan = claimed.plan;
    const approvedBy = claimed.approvedBy ?? record.approvedBy;
    let outcome: GrantOutcome;
    try {
      outcome = await this.engine.grant(plan, {
        approvedBy: approvedBy ? describePerson(approvedBy) : 'unknown approver',
        retryDelaysMs: this.retryDelaysMs,
        verifyDelaysMs: this.verifyDelaysMs,
        signal: options.signal,
      });
    } catch (error) {
      outcome = { status: 'failed', reason: `The grant did not complete: ${messageOf(error)}`, code: codeOf(error) };
    }
    await this.record({
      kind: 'grant',
      actor: approvedBy,
      approvalId: claimed.id,
      target: targetOf(plan),
      plan,
      outcome,
      assignmentId: 'assignmentId' in outcome ? outcome.assignmentId : undefined,
      correlationId: 'correlationId' in outcome ? outcome.correlationId : undefined,
      reason: 'reason' in outcome ? outcome.reason : undefined,
    });

    const granted = outcome.status === 'created' || outcome.status === 'already-exists' || outcome.status === 'not-needed';
    let verification: VerifyOutcome | undefined;
    if (granted) {
      try {
        verification = await this.engine.verify(plan, { delaysMs: this.verifyDelaysMs, signal: options.signal });
      } catch (error) {
        verification = {
          visible: false,
          pullRoleStatus: 'unknown',
          detail: `Verification could not run: ${messageOf(error)}. Run the check again to see whether the grant took.`,
          attempts: 0,
        };
      }
      await this.record({
        kind: 'verification',
        actor: approvedBy,
        approvalId: claimed.id,
        target: targetOf(plan),
        verification,
        assignmentId: 'assignmentId' in outcome ? outcome.assignmentId : undefined,
      });
    }

    const finished: Partial<ApprovalRecord> = {
      state: granted ? 'granted' : 'failed',
      outcome,
      verification,
      finishedAt: this.now().toISOString(),
    };
    try {
      const saved = await this.update(claimed.id, (current) => ({ ...current, ...finished }));
      if (saved) return saved;
      this.log(`approval ${claimed.id} finished (${finished.state}) but its record had been removed from storage`);
      return { ...claimed, ...finished };
    } catch (error) {
      this.log(`approval ${claimed.id} finished (${finished.state}) but its record could not be saved`, error);
      return { ...claimed, ...finished };
    }
  }

  private async claimExecution(id: string): Promise<ApprovalRecord | undefined> {
    if (!isApprovalId(id)) return undefined;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const stored = await this.load(id);
      if (!stored || stored.record.state !== 'approved' || stored.record.executionStartedAt) return undefined;
      const claimed: ApprovalRecord = { ...stored.record, executionStartedAt: this.now().toISOString() };
      try {
        await this.storage.write({ [keyOf(id)]: { ...claimed, eTag: stored.eTag } });
        return claimed;
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    return undefined;
  }

  /** Read-modify-write that keeps whatever others wrote in between (retries on conflict). */
  private async update(id: string, change: (record: ApprovalRecord) => ApprovalRecord): Promise<ApprovalRecord | undefined> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const stored = await this.load(id);
      if (!stored) return undefined;
      const next = change(stored.record);
      try {
        await this.storage.write({ [keyOf(id)]: { ...next, eTag: stored.eTag } });
        return next;
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    throw new Error(`Approval ${id} kept changing while it was being updated.`);
  }

  private async load(id: string): Promise<{ record: ApprovalRecord; eTag: string } | undefined> {
    if (!isApprovalId(id)) return undefined;
    const key = keyOf(id);
    const item = (await this.storage.read([key]))[key] as unknown as (ApprovalRecord & { eTag?: string }) | undefined;
    if (!item || item.id !== id) return undefined;
    const { eTag, ...stored } = item;
    const record = withLocation(stored);
    // Without an eTag the claim would be an unconditional write and two presses could both win.
    if (typeof eTag !== 'string' || eTag === '' || eTag === '*') {
      throw new Error(`The configured storage returned approval ${id} without an eTag; approvals need a storage with eTag concurrency.`);
    }
    return { record, eTag };
  }

  private isExpired(record: ApprovalRecord): boolean {
    return this.now().getTime() >= Date.parse(record.expiresAt);
  }

  private async markExpired(record: ApprovalRecord, eTag: string): Promise<void> {
    try {
      await this.storage.write({ [keyOf(record.id)]: { ...record, state: 'expired', eTag } });
    } catch (error) {
      // A conflict means someone else moved it on; the next reader sees their state. Either way the press is refused.
      if (!isConflict(error)) this.log(`could not mark approval ${record.id} expired`, error);
    }
  }

  private async refuse(
    reason: RefusalReason,
    presser: Person,
    record: ApprovalRecord | undefined,
    detail?: string,
    approvalId?: string,
  ): Promise<PressResult> {
    await this.record({
      kind: 'approval-refused',
      actor: presser,
      approvalId: record?.id ?? approvalId,
      target: record ? targetOf(record.plan) : undefined,
      reason: detail ? `${reason}: ${detail}` : reason,
    });
    return { kind: 'refused', reason, ...(record ? { record } : {}) };
  }

  private async record(entry: Omit<AuditEntry, 'at'>): Promise<void> {
    try {
      await this.audit.append({ at: this.now().toISOString(), ...entry });
    } catch (error) {
      this.log(`audit entry "${entry.kind}" for approval ${entry.approvalId ?? '(none)'} could not be written`, error);
    }
  }
}

/**
 * Records written before locations existed kept a Bot Framework conversation reference and an activity id
 * (Slack's dressed up as one, channelId "slack"); pending ones still deserve their card updated.
 */
function withLocation(stored: ApprovalRecord & { conversation?: unknown; activityId?: unknown }): ApprovalRecord {
  const { conversation, activityId, ...record } = stored;
  if (record.location) return { ...record, location: asLocation(record.location) };
  if (typeof conversation !== 'object' || conversation === null) return record;
  const messageId = typeof activityId === 'string' ? activityId : undefined;
  const legacy = conversation as { channelId?: unknown; conversation?: { id?: unknown } };
  if (legacy.channelId === 'slack') {
    const channel = legacy.conversation?.id;
    return typeof channel === 'string' ? { ...record, location: { channel: 'slack', conversation: channel, ...(messageId ? { messageTs: messageId } : {}) } } : record;
  }
  return { ...record, location: { channel: 'teams', reference: conversation as Record<string, unknown>, ...(messageId ? { messageId } : {}) } };
}

function keyOf(id: string): string {
  return `${KEY_PREFIX}${id}`;
}

function targetOf(plan: GrantPlan): AuditEntry['target'] {
  return { cluster: plan.clusterId, registry: plan.scope };
}

function describePerson(person: Person): string {
  const identity = person.aadObjectId ?? `${person.channel}:${person.id}`;
  return person.name ? `${person.name} (${identity})` : identity;
}

function samePerson(a: Person, b: Person): boolean {
  if (a.aadObjectId && b.aadObjectId) return a.aadObjectId.toLowerCase() === b.aadObjectId.toLowerCase();
  return a.channel === b.channel && a.id === b.id;
}

/** What went into the audit for a tampered id: bounded and printable, never used as a key. */
function describeTampered(id: unknown): string {
  if (typeof id !== 'string') return typeof id;
  const printable = id.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
  return `${JSON.stringify(printable)}${id.length > 64 ? `, ${id.length} chars` : ''}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
