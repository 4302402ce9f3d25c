/**
 * What a triage in a conversation does, whatever the channel: triage (partial report first) → audit →
 * grant offer when a plan exists → final view. Teams (triage-runner.ts) and Slack (src/slack/triage.ts)
 * differ only in how they show a view and where the message lives. Free of botbuilder on purpose.
 */
import { auditTarget, snapshotOf, type TriageSnapshot } from '../channels/view-model';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import type { PastedError } from '../triage/paste';
import type { Target } from '../triage/refs';
import { planGrant, type GrantPlan } from '../triage/remediation';
import type { Report } from '../triage/report';
import type { ApprovalRecord, ApprovalService, Person } from './approvals';
import type { Logger } from './background';
import type { CardStore } from './card-store';
import type { WorkScheduler } from '../scheduling/work-scheduler';

export interface TriageFlowDeps {
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  log: Logger;
  scheduler: WorkScheduler;
}

export interface TriageFlowInput {
  target: Target;
  refs: { cluster: string; registry: string };
  requester: Person;
  signal: AbortSignal;
  /** The errors the person pasted, shown at the top of the card. */
  pasted?: PastedError[];
  /** Where the findings message lives, so that the approval can update it later. */
  conversation?: ApprovalRecord['conversation'];
  activityId?: string;
}

export interface TriageFlowView {
  /** The ARM-only report, before pod evidence. Queues its rendering before returning (findings first). */
  partial(report: Report): void;
  /** The full report, with the grant offer when one exists. */
  final(snapshot: TriageSnapshot, offer?: { plan: GrantPlan; approval: ApprovalRecord }): Promise<void>;
}

/** The answer when too many checks already wait to start: nothing was started, nothing is lost. */
export const BUSY_NOTICE = {
  title: 'Too many checks are waiting to start',
  text: 'This one was not started and nothing was changed in Azure. Try again in a minute (say "check again").',
  tone: 'warning' as const,
};

export async function triageInConversation(deps: TriageFlowDeps, input: TriageFlowInput, view: TriageFlowView): Promise<void> {
  // Waits for the loop to have room; the triage then holds nothing while it waits on Azure.
  const phase = await deps.scheduler.admit({ signal: input.signal });
  let result;
  try {
    result = await deps.engine.triage(input.target, {
      signal: input.signal,
      onPartialReport: (report) => {
        view.partial(report);
        phase.findingsOut();
      },
    });
  } finally {
    phase.findingsOut();
  }
  const snapshot = snapshotOf(result, input.pasted);
  const plan = planGrant(result.evidence, result.report.findings);
  const summary = summaryOf(result.report);
  // Beside the card, not before it: the audit log commits its appends in groups (see FileAuditLog).
  const audited = deps.audit
    .append({ at: new Date().toISOString(), kind: 'triage', actor: input.requester, target: auditTarget(snapshot, input.refs), summary })
    .catch((error: unknown) => deps.log.error('audit append failed', { error: String(error) }));
  if (!plan) {
    await view.final(snapshot);
    await audited;
    return;
  }
  const approval = await deps.scheduler.storage(
    'finish',
    () => deps.approvals.create({ plan, requester: input.requester, summary, conversation: input.conversation, activityId: input.activityId }),
    input.signal,
  );
  await deps.scheduler.storage('finish', () => deps.cards.save(approval.id, { snapshot, refs: input.refs }), input.signal);
  await view.final(snapshot, { plan, approval });
  await audited;
}

/** Evidence snapshot for the audit: verdict, failing check ids and their first evidence lines. */
export function summaryOf(report: Report): string {
  const bad = report.findings.filter((f) => f.status === 'fail' || f.status === 'unknown');
  const lines = bad.slice(0, 5).map((f) => `${f.check} ${f.status}: ${f.evidence.split('\n')[0].slice(0, 200)}`);
  return [`${report.verdict}${bad.length ? ` (${bad.map((f) => f.check).join(', ')})` : ''}`, ...lines].join('\n');
}
