/**
 * What a triage in a conversation does, whatever the channel: triage (partial report first) → audit →
 * grant offer when a plan exists → final view. Teams (triage-runner.ts) and Slack (src/slack/triage.ts)
 * differ only in how they show a view and where the message lives. Free of botbuilder on purpose.
 */
import { auditTarget, snapshotOf, type TriageSnapshot } from '../channels/view-model';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine, TriageResult } from '../triage/engine';
import type { PastedError } from '../triage/paste';
import type { Target } from '../triage/refs';
import { planGrant, type GrantPlan } from '../triage/remediation';
import type { Report } from '../triage/report';
import type { ApprovalRecord, ApprovalService, Person } from './approvals';
import type { Logger } from './background';
import type { CardState, CardStore } from './card-store';

export interface TriageFlowDeps {
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  log: Logger;
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
  /** The ARM-only report, before pod evidence. */
  partial(report: Report): void;
  /** The full report, with the grant offer when one exists. */
  final(snapshot: TriageSnapshot, offer?: { plan: GrantPlan; approval: ApprovalRecord }): Promise<void>;
}

export async function triageInConversation(deps: TriageFlowDeps, input: TriageFlowInput, view: TriageFlowView): Promise<void> {
  const result = await deps.engine.triage(input.target, { signal: input.signal, onPartialReport: view.partial });
  const { snapshot, offer } = await offerAfterTriage(deps, result, input);
  await view.final(snapshot, offer);
}

export interface OfferInput {
  refs: { cluster: string; registry: string };
  requester: Person;
  /** The errors the person pasted, shown at the top of the card. */
  pasted?: PastedError[];
  conversation?: ApprovalRecord['conversation'];
  activityId?: string;
  /** Kept with the card so that a re-render (after a press) shows it again. */
  banner?: CardState['banner'];
}

/** After a triage, whoever ran it: audit it, and when a grant can be planned create the approval and keep the card's data. */
export async function offerAfterTriage(
  deps: Omit<TriageFlowDeps, 'engine'>,
  result: TriageResult,
  input: OfferInput,
): Promise<{ snapshot: TriageSnapshot; offer?: { plan: GrantPlan; approval: ApprovalRecord } }> {
  const snapshot = snapshotOf(result, input.pasted);
  const plan = planGrant(result.evidence, result.report.findings);
  const summary = summaryOf(result.report);
  await deps.audit
    .append({ at: new Date().toISOString(), kind: 'triage', actor: input.requester, target: auditTarget(snapshot, input.refs), summary })
    .catch((error: unknown) => deps.log.error('audit append failed', { error: String(error) }));
  if (!plan) return { snapshot };
  const approval = await deps.approvals.create({ plan, requester: input.requester, summary, conversation: input.conversation, activityId: input.activityId });
  await deps.cards.save(approval.id, { snapshot, refs: input.refs, ...(input.banner ? { banner: input.banner } : {}) });
  return { snapshot, offer: { plan, approval } };
}

/** Evidence snapshot for the audit: verdict, failing check ids and their first evidence lines. */
export function summaryOf(report: Report): string {
  const bad = report.findings.filter((f) => f.status === 'fail' || f.status === 'unknown');
  const lines = bad.slice(0, 5).map((f) => `${f.check} ${f.status}: ${f.evidence.split('\n')[0].slice(0, 200)}`);
  return [`${report.verdict}${bad.length ? ` (${bad.map((f) => f.check).join(', ')})` : ''}`, ...lines].join('\n');
}
