/**
 * The shapes of an approval: who pressed, the durable record behind a grant button, and what a press
 * decides. Apart from the rules (approvals.ts) so that stores, wording and channels can name them.
 */
import type { GrantOutcome, VerifyOutcome } from '../triage/engine';
import type { GrantPlan } from '../triage/remediation';
import type { MessageLocation } from './location';

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
  /** Set when execution starts; a record that has it is never executed again (unless it is stale, see isStale). */
  executionStartedAt?: string;
  /** The process carrying the grant out (`host#pid`), so that a restart can tell a dead executor from a slow one. */
  executor?: string;
  /** Taken over from an executor that died or ran out of time: the grant may already be in Azure. */
  resumed?: boolean;
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
