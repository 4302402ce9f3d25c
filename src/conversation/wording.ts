/**
 * What the conversation says to people, in one place for every channel: why a press was refused, the audit
 * gate, a check that could not finish. The channels render these notices; the services below the core
 * (approvals, the engine) return reasons and records, not sentences.
 */
import { timeToken } from '../channels/times';
import type { NoticeView } from '../channels/view-model';
import type { ApprovalRecord, Person, RefusalReason } from './approvals';

const NOT_APPROVED = 'Not approved — nothing was changed';

export const NO_EARLIER_CHECK = 'There is no earlier check in this conversation to repeat.';

export const AUDIT_FOR_APPROVERS: NoticeView = {
  title: 'The audit log is for approvers',
  text: 'It names principals, scopes and who approved what, so only people in TRIAGE_APPROVERS can list it here. On the bot host, run "aks-registry-triage audit".',
  tone: 'warning',
};

/** Said in a shared conversation where the audit log cannot be shown to the asker alone. */
export const AUDIT_IN_PRIVATE: NoticeView = {
  title: 'The audit log is shown in a private chat',
  text: 'It names principals, scopes and other people\'s requests, so I list it only in a one-to-one chat: message me directly and say "audit".',
  tone: 'warning',
};

/** A triage the admission refused (src/limits/admission.ts says why, in words for the person). */
export function notAdmittedNotice(message: string): NoticeView {
  return { title: 'Not checked — try again shortly', text: message, tone: 'warning' };
}

const UNKNOWN_APPROVAL =
  'This approval is not known to the bot (it may be from another deployment, or its card was altered). Nothing was granted. Run the check again for a fresh approval.';

function nameOf(person: Person): string {
  return person.name?.trim() || person.id;
}

/** The presser's private answer to a refused press. */
export function refusalNotice(reason: RefusalReason, record: ApprovalRecord | undefined, presser: Person): NoticeView {
  return { title: NOT_APPROVED, text: refusalText(reason, record, presser), tone: 'attention' };
}

function refusalText(reason: RefusalReason, record: ApprovalRecord | undefined, presser: Person): string {
  if (!record) return UNKNOWN_APPROVAL;
  const { principalName, registryName } = record.plan;
  switch (reason) {
    case 'not-approver':
      return `${nameOf(presser)} is not an approver, so AcrPull was not granted to ${principalName} on ${registryName}. Approvers are listed in TRIAGE_APPROVERS; ask one of them to press Approve.`;
    case 'self-approval':
      return `You asked for this grant, so you cannot approve it yourself (TRIAGE_ALLOW_SELF_APPROVAL is off). Ask another approver to approve AcrPull for ${principalName} on ${registryName}.`;
    case 'expired':
      return `This approval expired at ${timeToken(record.expiresAt)} and was not carried out. Run the check again for a fresh approval.`;
    case 'already-handled':
      return handledText(record);
    case 'unknown-id':
      return UNKNOWN_APPROVAL;
  }
}

function handledText(record: ApprovalRecord): string {
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

/** Said instead of the findings when the press was accepted but the findings message cannot be replaced. */
export function grantingNotice(presser: Person, record: ApprovalRecord): NoticeView {
  return {
    title: `Approved by ${nameOf(presser)} — granting`,
    text: `Granting ${record.plan.roleName} to ${record.plan.principalName} on ${record.plan.registryName}.`,
    tone: 'good',
  };
}

/** Too many checks already wait to start: nothing was started, nothing is lost. */
export function busyNotice(): NoticeView {
  return {
    title: 'Too many checks are waiting to start',
    text: 'This one was not started and nothing was changed in Azure. Try again in a minute (say "check again").',
    tone: 'warning',
  };
}

/** A triage that could not finish: said in the message that showed its progress. */
export function unfinishedNotice(target: string, shuttingDown: boolean): NoticeView {
  return {
    title: `The check of ${target} could not finish`,
    text: `${shuttingDown ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`,
    tone: 'attention',
  };
}

/** A message whose handling failed after the channel's request was answered; `ref` finds it in the log. */
export function messageFailedNotice(ref: string, shuttingDown = false): NoticeView {
  return shuttingDown
    ? {
        title: 'The bot was restarting',
        text: `It stopped before it could handle that message (ref ${ref}). Nothing was changed in Azure. Send it again in a minute.`,
        tone: 'attention',
      }
    : {
        title: 'Something went wrong on my side',
        text: `I could not handle that message (ref ${ref}). Nothing was changed in Azure. Type "help" to see what I understand.`,
        tone: 'attention',
      };
}
