import { clip } from './clip';
import { portalUrl, registryLabel, snapshotOf, targetLabel, toAskView, toAuditView, toReportView } from './view-model';
import { APPROVALS, acrPullPlan, healthySnapshot, incompleteSnapshot, missingRoleSnapshot } from '../../test/e2e/report-fixtures';
import { CLUSTER_ID, KUBELET_RESOURCE_ID, REGISTRY_ID, healthyEvidence } from '../../test/fixtures/evidence';
import { timeToken } from './times';

describe('view model', () => {
  test('problems come first by severity; passed and not-applicable checks are kept aside', () => {
    const view = toReportView(incompleteSnapshot());
    expect(view.problems.map((r) => [r.check, r.status])).toEqual([
      ['network.egress-path', 'warn'],
      ['rbac.pull-role', 'unknown'],
    ]);
    expect(view.others).toHaveLength(23);
    expect(view.verdict).toBe('incomplete');
    expect(view.counts).toBe('1 warning · 1 unknown · 23 passed');
    expect(view.problems[1].needs).toContain('roleAssignments/read');
  });

  test('a healthy report says so, and never hides what it checked', () => {
    const view = toReportView(healthySnapshot());
    expect(view.verdictText).toBe('No problem found');
    expect(view.problems).toEqual([]);
    expect(view.others).toHaveLength(25);
  });

  test('portal links for cluster, registry and kubelet identity', () => {
    expect(toReportView(healthySnapshot()).links).toEqual([
      { title: 'Cluster aks-prod', url: `https://portal.azure.com/#@/resource${CLUSTER_ID}` },
      { title: 'Registry myacr', url: `https://portal.azure.com/#@/resource${REGISTRY_ID}` },
      { title: 'Kubelet identity aks-prod-agentpool', url: portalUrl(KUBELET_RESOURCE_ID) },
    ]);
  });

  test('a partial report says pod evidence is still coming', () => {
    expect(toReportView(missingRoleSnapshot(false)).pending).toMatch(/pods and events/);
    expect(toReportView(missingRoleSnapshot(true)).pending).toBeUndefined();
  });

  test('pods in image-pull back-off from this registry are remembered; others are not', () => {
    const evidence = healthyEvidence();
    if (evidence.kube.state !== 'ok') throw new Error('fixture changed');
    evidence.kube.value.pods.push({
      namespace: 'web',
      name: 'nginx-0',
      imagePullSecrets: [],
      containers: [{ name: 'nginx', image: 'nginx:1.27', kind: 'container', waitingReason: 'ImagePullBackOff' }],
    });
    evidence.kube.value.pods[0].containers[0].waitingReason = 'ErrImagePull';
    expect(snapshotOf({ report: healthySnapshot().report, evidence }).backoffPods).toEqual([{ namespace: 'shop', name: 'api-7d9c-abcde' }]);
  });

  test('grant states read as an on-call engineer needs them', () => {
    const plan = acrPullPlan();
    const grant = (s: keyof typeof APPROVALS) => toReportView(missingRoleSnapshot(), { plan, approval: APPROVALS[s] }).grant;
    expect(grant('pending')).toMatchObject({ pressable: true, principal: 'aks-prod-agentpool', role: 'AcrPull', scope: REGISTRY_ID });
    expect(grant('approved')?.status).toBe('Approved by Ana Approver — granting AcrPull now…');
    expect(grant('granted')).toMatchObject({ pressable: false, tone: 'good', assignmentId: expect.stringContaining('roleAssignments/') });
    expect(grant('granted')?.nextSteps).toContain('kubectl delete pod -n shop api-7d9c-abcde');
    expect(grant('forbidden')?.status).toContain('It needs Role Based Access Control Administrator on the registry');
    expect(grant('forbidden')?.status).toContain('c0ffee00');
    expect(grant('expired')).toMatchObject({ pressable: false });
    expect(toReportView(missingRoleSnapshot(), { plan }).grant).toBeUndefined();
  });

  test('after a grant the card says its findings predate it; before, it does not', () => {
    const plan = acrPullPlan();
    expect(toReportView(missingRoleSnapshot(), { plan, approval: APPROVALS.granted }).afterGrant).toContain('Check again');
    expect(toReportView(missingRoleSnapshot(), { plan, approval: APPROVALS.pending }).afterGrant).toBeUndefined();
    expect(grantAdvice()).toContain('kubectl rollout restart deployment/DEPLOYMENT -n shop');
    expect(grantAdvice().join('\n')).not.toMatch(/<[a-z]+>/);
  });

  function grantAdvice(): string[] {
    return toReportView(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.granted }).grant?.nextSteps ?? [];
  }

  test('clip cuts on a word boundary and says how much it left out', () => {
    const text = 'word '.repeat(100);
    const cut = clip(text, 50);
    expect(cut.startsWith('word word')).toBe(true);
    expect(cut).toMatch(/… \[\d+ more characters cut/);
    expect(clip('short', 50)).toBe('short');
  });

  test('labels name what the person wrote', () => {
    expect(
      targetLabel({ cluster: { kind: 'name', name: 'aks-prod', resourceGroup: 'rg-prod' }, registry: { kind: 'acr-name', name: 'myacr' } }),
    ).toBe('rg-prod/aks-prod → myacr');
    expect(
      registryLabel({ kind: 'acr-host', host: 'MyAcr.azurecr.io', loginServer: 'myacr.azurecr.io', nameHint: 'myacr', suffix: 'azurecr.io' }),
    ).toBe('myacr.azurecr.io');
    expect(registryLabel({ kind: 'external', host: 'ghcr.io' })).toBe('ghcr.io');
  });

  test('the ask view asks one question, naming what is already known', () => {
    expect(toAskView('registry', { known: 'aks-prod' }).question).toBe('Which registry (or image) can aks-prod not pull from?');
    expect(toAskView('cluster', { error: 'bad' })).toMatchObject({ part: 'cluster', error: 'bad' });
  });

  test('audit view shows the newest first', () => {
    const view = toAuditView(
      [
        { at: '2026-01-01T00:00:00Z', kind: 'triage', summary: 'old' },
        { at: '2026-01-02T00:00:00Z', kind: 'grant', actor: { id: 'x', name: 'Ana' }, assignmentId: 'ra-1' },
      ],
      1,
    );
    expect(view.entries).toEqual([{ at: timeToken('2026-01-02T00:00:00Z'), kind: 'grant', text: 'by Ana — assignment ra-1' }]);
  });
});
