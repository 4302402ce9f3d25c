/**
 * Hand-built reports over the shared healthy evidence fixture, one per shape a card must handle. They stand in
 * for shapes no scenario produces (a huge report, every grant state); the findings' wording follows docs/domain.md#check-ids-and-statuses.
 */
import { CHECKS_BY_ID } from '../../src/triage/checks';
import { CHECK_IDS, verdictOf, type CheckId, type Finding, type Report, type Status } from '../../src/triage/report';
import type { GrantPlan } from '../../src/triage/remediation';
import type { ApprovalSnapshot, TriageSnapshot } from '../../src/channels/view-model';
import { snapshotOf } from '../../src/channels/view-model';
import { ACRPULL, ACR_SUB, CLUSTER_ID, KUBELET_OBJECT_ID, REGISTRY_ID, healthyEvidence } from '../fixtures/evidence';

/** The registered check's own title, as a real report carries it. */
function title(id: CheckId): string {
  const check = CHECKS_BY_ID.get(id);
  if (!check) throw new Error(`no check registered for ${id}`);
  return check.title;
}

function findings(overrides: Partial<Record<CheckId, Partial<Finding>>>): Finding[] {
  return CHECK_IDS.map((check) => ({
    check,
    title: title(check),
    status: 'pass' as Status,
    evidence: `Checked ${check} on aks-prod and myacr: fine.`,
    ...overrides[check],
  }));
}

function report(fs: Finding[], complete = true): Report {
  const evidence = healthyEvidence();
  return { target: evidence.target, verdict: verdictOf(fs), findings: fs, collectedAt: evidence.collectedAt, complete };
}

const MISSING_ROLE: Partial<Finding> = {
  status: 'fail',
  evidence: `No role assignment grants pull on myacr to aks-prod-agentpool (${KUBELET_OBJECT_ID}). Checked 1 assignment at or above ${REGISTRY_ID}.`,
  remediation: 'Grant AcrPull on the registry to the kubelet identity (approval button below), or run the command yourself.',
  command: `az role assignment create --assignee-object-id ${KUBELET_OBJECT_ID} --assignee-principal-type ServicePrincipal --role AcrPull --scope ${REGISTRY_ID}`,
};

export function missingRoleSnapshot(complete = true): TriageSnapshot {
  const evidence = healthyEvidence();
  if (evidence.kube.state === 'ok') {
    evidence.kube.value.pods[0].containers[0].waitingReason = 'ImagePullBackOff';
    evidence.kube.value.pods[0].containers[0].waitingMessage = 'Back-off pulling image "myacr.azurecr.io/shop/api:1.4.2"';
  }
  const fs = findings({
    'rbac.pull-role': MISSING_ROLE,
    'pods.pull-errors': complete
      ? {
          status: 'fail',
          evidence:
            '1 pod in ns shop: ImagePullBackOff — "failed to authorize: failed to fetch anonymous token: 401 Unauthorized" (auth: the node identity was refused)',
          remediation: 'See rbac.pull-role.',
        }
      : { status: 'unknown', evidence: 'Pod evidence is still being read.', remediation: 'Wait for the update.' },
    'image.exists': { status: 'skip', evidence: 'No image was named and no pod is failing to pull.' },
  });
  return snapshotOf({ report: report(fs, complete), evidence });
}

export function incompleteSnapshot(): TriageSnapshot {
  const fs = findings({
    'rbac.pull-role': {
      status: 'unknown',
      evidence: `Role assignments on ${REGISTRY_ID} could not be read: 403 AuthorizationFailed.`,
      remediation: 'Give the bot Reader on the registry, then check again.',
      needs: `Microsoft.Authorization/roleAssignments/read on ${REGISTRY_ID}`,
    },
    'network.egress-path': {
      status: 'warn',
      evidence: 'Egress goes through route table rt-prod (0.0.0.0/0 → 10.0.1.4 virtual appliance).',
      remediation: 'Make sure the appliance allows myacr.azurecr.io and myacr.westeurope.data.azurecr.io on TCP 443.',
    },
  });
  return snapshotOf({ report: report(fs), evidence: healthyEvidence() });
}

export function healthySnapshot(): TriageSnapshot {
  return snapshotOf({ report: report(findings({})), evidence: healthyEvidence() });
}

/** Every check failing with evidence far longer than a card may carry. */
export function hugeSnapshot(): TriageSnapshot {
  const long = Array.from(
    { length: 120 },
    (_, i) =>
      `pod-${i} in ns shop: ErrImagePull — "rpc error: code = Unknown desc = failed to pull and unpack image myacr.azurecr.io/shop/api:1.4.${i}: 401 Unauthorized"`,
  ).join('\n');
  const overrides: Partial<Record<CheckId, Partial<Finding>>> = {};
  for (const id of CHECK_IDS)
    overrides[id] = {
      status: 'fail',
      evidence: long,
      remediation: long.slice(0, 3000),
      command: `kubectl get events -A ${'--field-selector reason=Failed '.repeat(40)}`,
    };
  return snapshotOf({ report: report(findings(overrides)), evidence: healthyEvidence() });
}

export function acrPullPlan(): GrantPlan {
  return {
    scope: REGISTRY_ID,
    registryName: 'myacr',
    registryLoginServer: 'myacr.azurecr.io',
    registryMode: 'LegacyRegistryPermissions',
    roleGuid: ACRPULL,
    roleName: 'AcrPull',
    roleDefinitionId: `/subscriptions/${ACR_SUB}/providers/Microsoft.Authorization/roleDefinitions/${ACRPULL}`,
    principalId: KUBELET_OBJECT_ID,
    principalType: 'ServicePrincipal',
    principalName: 'aks-prod-agentpool',
    clusterId: CLUSTER_ID,
    clusterName: 'aks-prod',
    azCommand: MISSING_ROLE.command as string,
  };
}

const requester = { id: '29:requester', name: 'Rita Requester' };
const approver = { id: '29:approver', name: 'Ana Approver' };

export const APPROVALS: Record<string, ApprovalSnapshot> = {
  pending: { id: 'Yx3kq0cXb2l1v9nQm4rT8w', state: 'pending', expiresAt: '2026-11-28T13:00:00.000Z', requester },
  approved: {
    id: 'Yx3kq0cXb2l1v9nQm4rT8w',
    state: 'approved',
    expiresAt: '2026-11-28T13:00:00.000Z',
    requester,
    approvedBy: approver,
    approvedAt: '2026-11-28T12:03:00.000Z',
  },
  granted: {
    id: 'Yx3kq0cXb2l1v9nQm4rT8w',
    state: 'granted',
    expiresAt: '2026-11-28T13:00:00.000Z',
    requester,
    approvedBy: approver,
    approvedAt: '2026-11-28T12:03:00.000Z',
    outcome: {
      status: 'created',
      assignmentId: `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/0b8e0000-0000-4000-8000-000000000042`,
    },
    verification: { visible: true, pullRoleStatus: 'pass', detail: 'AcrPull is now assigned to aks-prod-agentpool on myacr', attempts: 1 },
    finishedAt: '2026-11-28T12:03:04.000Z',
  },
  forbidden: {
    id: 'Yx3kq0cXb2l1v9nQm4rT8w',
    state: 'failed',
    expiresAt: '2026-11-28T13:00:00.000Z',
    requester,
    approvedBy: approver,
    approvedAt: '2026-11-28T12:03:00.000Z',
    outcome: {
      status: 'forbidden',
      reason: 'The bot identity lacks Microsoft.Authorization/roleAssignments/write on myacr.',
      needs: 'Role Based Access Control Administrator on the registry',
      correlationId: 'c0ffee00-0000-4000-8000-000000000001',
    },
  },
  expired: { id: 'Yx3kq0cXb2l1v9nQm4rT8w', state: 'expired', expiresAt: '2026-11-28T13:00:00.000Z', requester },
};
