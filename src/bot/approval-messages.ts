/**
 * What the approver, a refused presser and the audit read about an approval: the words, kept apart from the
 * rules in approvals.ts.
 */
import { timeToken } from '../channels/times';
import type { ApprovalRecord, Person } from './approvals';

export const UNKNOWN_MESSAGE =
  'This approval is not known to the bot (it may be from another deployment, or its card was altered). Nothing was granted. Run the check again for a fresh approval.';

export function nameOf(person: Person): string {
  return person.name?.trim() || person.id;
}

export function handledMessage(record: ApprovalRecord): string {
  const by = record.approvedBy ? ` by ${nameOf(record.approvedBy)}${record.approvedAt ? ` at ${timeToken(record.approvedAt)}` : ''}` : '';
  const what = `AcrPull for ${record.plan.principalName} on ${record.plan.registryName}`;
  switch (record.state) {
    case 'approved':
      return `Already approved${by}; the grant of ${what} is in progress.`;
    case 'granted':
      return `Already approved${by}: ${what} was granted.`;
    case 'failed':
      return `Already approved${by}, but the grant of ${what} failed: ${record.outcome && 'reason' in record.outcome ? record.outcome.reason : 'see the card'}. Run the check again before retrying.`;
    case 'expired':
      return `This approval expired at ${timeToken(record.expiresAt)}. Run the check again for a fresh approval.`;
    default:
      return `This approval is ${record.state}.`;
  }
}

/** What went into the audit for a tampered id: bounded and printable, never used as a key. */
export function describeTampered(id: unknown): string {
  if (typeof id !== 'string') return typeof id;
  const printable = id.slice(0, 64).replace(/[^\x20-\x7e]/g, '?');
  return `${JSON.stringify(printable)}${id.length > 64 ? `, ${id.length} chars` : ''}`;
}
