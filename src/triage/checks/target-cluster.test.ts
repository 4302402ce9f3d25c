import type { Evidence } from '../evidence';
import { targetCluster } from './target-cluster';
import { CLUSTER_ID, healthyEvidence, SUB } from '../../../test/fixtures/evidence';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}

describe('target.cluster', () => {
  it('passes for a running cluster, naming it, its group and region', () => {
    const o = targetCluster.run(healthyEvidence());
    expect(o.status).toBe('pass');
    expect(o.evidence).toBe('Cluster aks-prod (rg-prod, westeurope) — Running, provisioningState Succeeded.');
  });

  it.each<[string, (e: Evidence) => void, string, RegExp]>([
    [
      'the search found nothing',
      (e) => {
        e.clusterLookup = { state: 'ok', value: { candidates: [], searched: '2 subscriptions (Resource Graph)', truncated: false } };
        e.cluster = { state: 'skipped', reason: 'no cluster matched' };
      },
      'fail',
      /No cluster named aks-prod was found in 2 subscriptions \(Resource Graph\)/,
    ],
    [
      'a cluster named by id answers 404',
      (e) => {
        e.target.cluster = { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' };
        e.clusterLookup = { state: 'skipped', reason: 'named by resource id' };
        e.cluster = {
          state: 'failed',
          failure: { kind: 'not-found', status: 404, code: 'ResourceNotFound', message: `${CLUSTER_ID} was not found.` },
        };
      },
      'fail',
      new RegExp(`No such cluster: aks-prod \\(resource group rg-prod, subscription ${SUB}\\)`),
    ],
    [
      'several clusters share the name',
      (e) => {
        if (e.clusterLookup.state !== 'ok') throw new Error('fixture');
        const first = e.clusterLookup.value.candidates[0];
        e.clusterLookup.value.candidates.push({ ...first, id: first.id.replace('rg-prod', 'rg-dr'), resourceGroup: 'rg-dr' });
        e.cluster = { state: 'skipped', reason: 'ambiguous' };
      },
      'unknown',
      /2 clusters match aks-prod: rg-prod\/aks-prod \(subscription 1111.*\); rg-dr\/aks-prod/,
    ],
    [
      'the search itself was refused',
      (e) =>
        (e.clusterLookup = { state: 'failed', failure: { kind: 'forbidden', message: 'Resource Graph: 403', needs: 'Reader on a subscription' } }),
      'unknown',
      /Could not search for cluster aks-prod: Resource Graph: 403/,
    ],
    [
      'reading the cluster is forbidden',
      (e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', status: 403, message: 'AuthorizationFailed on aks-prod' } }),
      'unknown',
      /Cluster aks-prod could not be read: AuthorizationFailed on aks-prod/,
    ],
    [
      'the cluster was not read',
      (e) => (e.cluster = { state: 'skipped', reason: 'the lookup was cancelled' }),
      'unknown',
      /Cluster aks-prod was not read: the lookup was cancelled/,
    ],
    [
      'the cluster is stopped',
      (e) => e.cluster.state === 'ok' && (e.cluster.value.powerState = 'Stopped'),
      'warn',
      /Cluster aks-prod \(rg-prod, westeurope\) — Stopped.*nothing can pull/,
    ],
    [
      'the last operation failed',
      (e) => e.cluster.state === 'ok' && (e.cluster.value.provisioningState = 'Failed'),
      'warn',
      /provisioningState Failed\. The last operation on the cluster failed/,
    ],
  ])('%s', (_case, change, status, evidence) => {
    const o = targetCluster.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    expect(o.remediation).toBeTruthy();
    if (status === 'unknown') expect(o.needs).toBeTruthy();
  });

  it('passes on the permission the failed read names', () => {
    const o = targetCluster.run(
      edit((e) => (e.cluster = { state: 'failed', failure: { kind: 'forbidden', message: '403', needs: 'Reader on rg-prod' } })),
    );
    expect(o.needs).toBe('Reader on rg-prod');
  });

  it('gives the start command for a stopped cluster', () => {
    const o = targetCluster.run(edit((e) => e.cluster.state === 'ok' && (e.cluster.value.powerState = 'Stopped')));
    expect(o.command).toBe(`az aks start --resource-group rg-prod --name aks-prod --subscription ${SUB}`);
  });
});
