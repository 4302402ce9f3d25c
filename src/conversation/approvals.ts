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
import { INSTANCE_ID, instanceGone } from '../instance';
import { ApprovalStore, MAX_CLAIM_ATTEMPTS, isApprovalId } from './approval-store';
import type { InFlightIndex } from './in-flight';
import type { MessageLocation } from './location';

import type { ApprovalRecord, Person, PressResult, RefusalReason } from './approval-record';
export type { ApprovalRecord, ApprovalState, Person, PressResult, RefusalReason } from './approval-record';

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
  /** Longest the grant (re-checks, the PUT and its retries) may take before it is abandoned as failed. */
  grantDeadlineMs?: number;
  /** Longest verification may take after the grant. */
  verifyDeadlineMs?: number;
  /** Approved and unfinished approvals, for recovery at start (grant-recovery.ts). */
  inFlight?: InFlightIndex;
}

export const DEFAULT_GRANT_DEADLINE_MS = 3 * 60_000;
export const DEFAULT_VERIFY_DEADLINE_MS = 3 * 60_000;
/** Beyond both deadlines, how long before an approved grant counts as abandoned. */
const STALE_MARGIN_MS = 60_000;

export const DEFAULT_APPROVAL_TTL_MS = 60 * 60 * 1000;

const ID_BYTES = 24;

export { isApprovalId };

export class ApprovalService {
  private readonly store: ApprovalStore;
  private readonly audit: AuditLog;
  private readonly engine: TriageEngine;
  private readonly approvers: readonly string[];
  private readonly allowSelfApproval: boolean;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly verifyDelaysMs?: number[];
  private readonly retryDelaysMs?: number[];
  private readonly log: (message: string, error?: unknown) => void;
  private readonly grantDeadlineMs: number;
  private readonly verifyDeadlineMs: number;
  private readonly inFlight?: InFlightIndex;

  constructor(options: ApprovalServiceOptions) {
    if (!(options.ttlMs > 0)) throw new RangeError(`Approval TTL must be a positive number of ms, got ${options.ttlMs}.`);
    this.store = new ApprovalStore(options.storage);
    this.audit = options.audit;
    this.engine = options.engine;
    this.approvers = options.approvers.map((entry) => entry.trim()).filter((entry) => entry.length > 0);
    this.allowSelfApproval = options.allowSelfApproval;
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? (() => new Date());
    this.verifyDelaysMs = options.verifyDelaysMs;
    this.retryDelaysMs = options.retryDelaysMs;
    this.log = options.log ?? ((message, error) => console.error(`[approvals] ${message}`, error ?? ''));
    this.grantDeadlineMs = options.grantDeadlineMs ?? DEFAULT_GRANT_DEADLINE_MS;
    this.verifyDeadlineMs = options.verifyDeadlineMs ?? DEFAULT_VERIFY_DEADLINE_MS;
    this.inFlight = options.inFlight;
  }

  /**
   * An approved grant nobody is finishing: its executor process is gone, or it has been running longer than
   * the grant and verification deadlines allow (so no live process can still be on it).
   */
  isStale(record: ApprovalRecord): boolean {
    if (record.state !== 'approved') return false;
    if (record.executor && instanceGone(record.executor)) return true;
    const since = Date.parse(record.executionStartedAt ?? record.approvedAt ?? record.createdAt);
    return this.now().getTime() - since > this.grantDeadlineMs + this.verifyDeadlineMs + STALE_MARGIN_MS;
  }

  /**
   * Takes a stale approved record over (eTag-conditional, so one instance wins): execute() then finishes it,
   * first reading whether the interrupted PUT landed. Undefined when it is not stale or someone else won.
   */
  async takeOver(id: string, by: Person | undefined, why: string): Promise<ApprovalRecord | undefined> {
    const stored = await this.store.load(id);
    if (!stored || !this.isStale(stored.record)) return undefined;
    const taken: ApprovalRecord = { ...stored.record, executor: INSTANCE_ID, executionStartedAt: undefined, resumed: true };
    try {
      await this.store.write(taken, stored.eTag);
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw error;
    }
    await this.record({ kind: 'grant-resumed', actor: by, approvalId: id, target: targetOf(taken.plan), reason: why });
    return taken;
  }

  async create(input: { plan: GrantPlan; requester: Person; summary: string; location?: MessageLocation }): Promise<ApprovalRecord> {
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
    await this.store.write(record);
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
    const stored = await this.store.load(id);
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
      const stored = await this.store.load(id);
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
      if (record.state === 'approved' && this.isStale(record)) {
        const taken = await this.takeOver(id, presser, 'the grant was interrupted (its process stopped or ran out of time); finishing it');
        if (taken) return { kind: 'accepted', record: taken };
        continue;
      }
      if (record.state !== 'pending') {
        return this.refuse('already-handled', presser, record);
      }

      const approved: ApprovalRecord = {
        ...record,
        state: 'approved',
        approvedBy: presser,
        approvedAt: this.now().toISOString(),
        executor: INSTANCE_ID,
      };
      try {
        await this.store.write(approved, eTag);
      } catch (error) {
        // Someone else wrote first: another press (then the next read says already handled) or a card
        // update (then the record is still pending and this press tries again).
        if (isConflict(error)) continue;
        throw error;
      }
      await this.inFlight?.add(id).catch((error: unknown) => this.log(`approval ${id} could not be added to the in-flight index`, error));
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
    const latest = (await this.store.load(id))?.record;
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
    if (claimed.resumed) {
      const finished = await this.finishIfLanded(claimed, approvedBy, options.signal);
      if (finished) return finished;
    }
    let outcome: GrantOutcome;
    try {
      // The audit trail comes first: a write to Azure that the log cannot record is not made.
      await this.audit.append({
        at: this.now().toISOString(),
        kind: 'grant-started',
        actor: approvedBy,
        approvalId: claimed.id,
        target: targetOf(plan),
        plan,
      });
    } catch (error) {
      this.log(`audit entry "grant-started" for approval ${claimed.id} could not be written; nothing was granted`, error);
      outcome = {
        status: 'failed',
        reason: `The audit log could not be written (${messageOf(error)}), so nothing was written to Azure. Run the check again once the audit storage is reachable.`,
        code: 'AuditUnavailable',
      };
      return this.finish(claimed, outcome, undefined);
    }
    try {
      outcome = await this.engine.grant(plan, {
        approvedBy: approvedBy ? describePerson(approvedBy) : 'unknown approver',
        retryDelaysMs: this.retryDelaysMs,
        verifyDelaysMs: this.verifyDelaysMs,
        signal: withDeadline(options.signal, this.grantDeadlineMs),
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

    const verification = isGranted(outcome) ? await this.verified(claimed, approvedBy, outcome, options.signal) : undefined;
    return this.finish(claimed, outcome, verification);
  }

  /**
   * A resumed grant whose PUT landed before the interruption: the assignment under the deterministic name is
   * ours. Records the grant (audit) and its verification, and finishes the record; undefined when the
   * assignment is not there (or cannot be read), and the grant is carried out as usual.
   */
  private async finishIfLanded(
    claimed: ApprovalRecord,
    approvedBy: Person | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ApprovalRecord | undefined> {
    const lookup = await this.engine
      .assignmentOf(claimed.plan, { signal })
      .catch((error: unknown) => ({ state: 'unknown' as const, reason: messageOf(error) }));
    if (lookup.state !== 'exists') return undefined;
    const outcome: GrantOutcome = { status: 'created', assignmentId: lookup.assignmentId };
    await this.record({
      kind: 'grant',
      actor: approvedBy,
      approvalId: claimed.id,
      target: targetOf(claimed.plan),
      plan: claimed.plan,
      outcome,
      assignmentId: lookup.assignmentId,
      reason: 'finished after an interruption: the role assignment was already in Azure',
    });
    const verification = await this.verified(claimed, approvedBy, outcome, signal);
    return this.finish(claimed, outcome, verification);
  }

  /** Re-runs the pull-role check after a grant (within its deadline) and records what it saw. */
  private async verified(
    claimed: ApprovalRecord,
    approvedBy: Person | undefined,
    outcome: GrantOutcome,
    signal: AbortSignal | undefined,
  ): Promise<VerifyOutcome> {
    let verification: VerifyOutcome;
    try {
      verification = await this.engine.verify(claimed.plan, { delaysMs: this.verifyDelaysMs, signal: withDeadline(signal, this.verifyDeadlineMs) });
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
      target: targetOf(claimed.plan),
      verification,
      assignmentId: 'assignmentId' in outcome ? outcome.assignmentId : undefined,
    });
    return verification;
  }

  /** Writes the final state of an executed approval (kept whatever others wrote meanwhile). */
  private async finish(claimed: ApprovalRecord, outcome: GrantOutcome, verification: VerifyOutcome | undefined): Promise<ApprovalRecord> {
    const finished: Partial<ApprovalRecord> = {
      state: isGranted(outcome) ? 'granted' : 'failed',
      outcome,
      verification,
      finishedAt: this.now().toISOString(),
    };
    await this.inFlight
      ?.remove(claimed.id)
      .catch((error: unknown) => this.log(`approval ${claimed.id} could not be removed from the in-flight index`, error));
    try {
      const saved = await this.store.update(claimed.id, (current) => ({ ...current, ...finished }));
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
      const stored = await this.store.load(id);
      if (!stored || stored.record.state !== 'approved' || stored.record.executionStartedAt) return undefined;
      const claimed: ApprovalRecord = { ...stored.record, executionStartedAt: this.now().toISOString(), executor: INSTANCE_ID };
      try {
        await this.store.write(claimed, stored.eTag);
        return claimed;
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
    }
    return undefined;
  }

  private isExpired(record: ApprovalRecord): boolean {
    return this.now().getTime() >= Date.parse(record.expiresAt);
  }

  private async markExpired(record: ApprovalRecord, eTag: string): Promise<void> {
    try {
      await this.store.write({ ...record, state: 'expired' }, eTag);
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

function isGranted(outcome: GrantOutcome): boolean {
  return outcome.status === 'created' || outcome.status === 'already-exists' || outcome.status === 'not-needed';
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

/** The caller's signal, also aborted after `ms`: no grant or verification waits on Azure forever. */
function withDeadline(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const deadline = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
