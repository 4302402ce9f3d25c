/**
 * The grant part of a findings view: what an approval offers, and what became of it once pressed (granted,
 * already there, refused, stale, failed), with the verification and how to make pods retry now.
 */
import type { GrantPlan } from '../triage/remediation';
import { clip } from './clip';
import { timeToken } from './times';
import type { ApprovalSnapshot, GrantView, TriageSnapshot } from './view-model';

export function grantView(plan: GrantPlan, approval: ApprovalSnapshot, pods: TriageSnapshot['backoffPods'], max: number): GrantView {
  const approvedBy = approval.approvedBy ? (approval.approvedBy.name ?? approval.approvedBy.id) : undefined;
  const base = {
    approvalId: approval.id,
    principal: plan.principalName,
    principalId: plan.principalId,
    role: plan.roleName,
    roleGuid: plan.roleGuid,
    scopeName: plan.registryName,
    scope: plan.scope,
    condition: plan.condition ? clip(plan.condition, max) : undefined,
    azCommand: plan.azCommand,
    approvedBy,
    approvedAt: approval.approvedAt === undefined ? undefined : timeToken(approval.approvedAt),
    nextSteps: [] as string[],
  };
  switch (approval.state) {
    case 'pending':
      return {
        ...base,
        status: `Waiting for an approver. Pressing the button grants exactly this; the offer expires at ${timeToken(approval.expiresAt)}.`,
        tone: 'accent',
        pressable: true,
      };
    case 'expired':
      return {
        ...base,
        status: `This offer expired at ${timeToken(approval.expiresAt)}. Press "Check again" for a fresh one.`,
        tone: 'default',
        pressable: false,
      };
    case 'approved':
      return { ...base, status: `Approved by ${approvedBy ?? 'an approver'} — granting ${plan.roleName} now…`, tone: 'accent', pressable: false };
    case 'granted':
    case 'failed':
      return finishedView(base, plan, approval, pods);
  }
}

function finishedView(
  base: Omit<GrantView, 'status' | 'tone' | 'pressable'>,
  plan: GrantPlan,
  approval: ApprovalSnapshot,
  pods: TriageSnapshot['backoffPods'],
): GrantView {
  const outcome = approval.outcome;
  const by = base.approvedBy ?? 'an approver';
  const verification = approval.verification
    ? `${approval.verification.visible ? 'Visible on the registry' : 'Not yet visible on the registry'}: ${approval.verification.detail} (rbac.pull-role now ${approval.verification.pullRoleStatus}, ${approval.verification.attempts} attempt${approval.verification.attempts === 1 ? '' : 's'})`
    : undefined;
  if (!outcome) {
    return {
      ...base,
      status: `Approved by ${by}, but the grant did not finish. Nothing is known to have changed; check the audit log.`,
      tone: 'attention',
      pressable: false,
      verification,
    };
  }
  switch (outcome.status) {
    case 'created':
    case 'already-exists': {
      const assignmentId = outcome.assignmentId;
      const what =
        outcome.status === 'created'
          ? `Granted ${plan.roleName} to ${plan.principalName} on ${plan.registryName}`
          : `${plan.roleName} was already assigned to ${plan.principalName} on ${plan.registryName}`;
      return {
        ...base,
        status: `${what} (approved by ${by}).`,
        tone: approval.verification?.visible === false ? 'warning' : 'good',
        pressable: false,
        assignmentId,
        verification,
        nextSteps: podAdvice(pods),
      };
    }
    case 'not-needed':
      return { ...base, status: `Nothing granted: ${outcome.reason}`, tone: 'good', pressable: false, verification, nextSteps: podAdvice(pods) };
    case 'stale':
      return {
        ...base,
        status: `Nothing granted — the plan no longer matches Azure: ${outcome.reason} Press "Check again" for a fresh plan.`,
        tone: 'warning',
        pressable: false,
      };
    case 'forbidden':
      return {
        ...base,
        status: `Nothing granted — the bot may not write role assignments here: ${outcome.reason} It needs ${outcome.needs}.${corr(outcome.correlationId)}`,
        tone: 'attention',
        pressable: false,
      };
    case 'failed':
      return {
        ...base,
        status: `Nothing granted — the grant failed: ${outcome.reason}${outcome.code ? ` (${outcome.code})` : ''}.${corr(outcome.correlationId)}`,
        tone: 'attention',
        pressable: false,
      };
  }
}

function corr(id: string | undefined): string {
  return id ? ` Correlation id ${id}.` : '';
}

/** kubelet backs off up to 5 minutes between pulls: say how to retry now instead of waiting. */
function podAdvice(pods: TriageSnapshot['backoffPods']): string[] {
  const base = 'Role assignments can take a few minutes to be enforced, and kubelet waits up to 5 minutes between pull retries.';
  // No angle-bracket placeholders: card markdown (Agents Playground, Teams) swallows them as HTML tags.
  if (pods.length === 0) return [`${base} Restart the affected workload to retry now: kubectl rollout restart deployment/DEPLOYMENT -n NAMESPACE`];
  const byNamespace = new Map<string, string[]>();
  for (const p of pods) byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p.name]);
  const steps = [
    `${base} ${pods.length} pod${pods.length === 1 ? ' is' : 's are'} in image-pull back-off; delete ${pods.length === 1 ? 'it' : 'them'} to retry now:`,
  ];
  for (const [ns, names] of byNamespace) steps.push(`kubectl delete pod -n ${ns} ${names.join(' ')}`);
  steps.push('or restart their workload:', `kubectl rollout restart deployment/DEPLOYMENT -n ${[...byNamespace.keys()][0]}`);
  return steps;
}
