/**
 * target.cluster: the cluster named exists, is readable and is running (docs/domain.md#check-ids-and-statuses). A cluster that was searched for
 * and not found fails, naming where we looked; one we may not read is unknown.
 */
import type { ClusterRef } from '../refs';
import type { Check, Outcome } from '../report';
import type { Evidence } from '../evidence';
import { ambiguous, searchFailed, type Sought } from '../lookup-outcomes';

const READ = 'Microsoft.ContainerService/managedClusters/read (e.g. Reader) on the cluster or its subscription';

function named(ref: ClusterRef): string {
  if (ref.kind === 'id') return `${ref.name} (resource group ${ref.resourceGroup}, subscription ${ref.subscriptionId})`;
  return ref.resourceGroup ? `${ref.resourceGroup}/${ref.name}` : ref.name;
}

function lookupOutcome(e: Evidence): Outcome | undefined {
  const ref = e.target.cluster;
  const lookup = e.clusterLookup;
  const sought: Sought = {
    kind: 'cluster',
    named: named(ref),
    read: READ,
    exactly: 'resourceGroup/name or resource id',
    describe: (c) => `${c.resourceGroup}/${c.name} (subscription ${c.subscriptionId})`,
  };
  if (lookup.state === 'failed') return searchFailed(lookup.failure, sought);
  if (lookup.state !== 'ok') return undefined;
  const { candidates, searched } = lookup.value;
  if (candidates.length === 0)
    return {
      status: 'fail',
      evidence: `No cluster named ${named(ref)} was found in ${searched}.`,
      remediation:
        'Check the cluster name and subscription. If it lives in a subscription the bot cannot see, give the bot Reader there or name the cluster by its resource id.',
    };
  if (candidates.length > 1) return ambiguous(lookup.value, sought);
  return undefined;
}

export const targetCluster: Check = {
  id: 'target.cluster',
  title: 'Cluster exists, is readable and is running',
  run(e) {
    const fromLookup = lookupOutcome(e);
    if (fromLookup) return fromLookup;
    const c = e.cluster;
    const ref = e.target.cluster;
    if (c.state === 'failed') {
      if (c.failure.kind === 'not-found') {
        const where = e.clusterLookup.state === 'ok' ? ` (searched ${e.clusterLookup.value.searched})` : '';
        return {
          status: 'fail',
          evidence: `No such cluster: ${named(ref)}${where}. ${c.failure.message}`,
          remediation: 'Check the cluster name, resource group and subscription; the cluster may have been deleted or renamed.',
        };
      }
      return {
        status: 'unknown',
        evidence: `Cluster ${named(ref)} could not be read: ${c.failure.message}`,
        remediation: 'Give the bot Reader on the cluster, or retry if the failure was transient.',
        needs: c.failure.needs ?? READ,
      };
    }
    if (c.state === 'skipped')
      return {
        status: 'unknown',
        evidence: `Cluster ${named(ref)} was not read: ${c.reason}`,
        remediation: 'Name the cluster by resourceGroup/name or resource id and check again.',
        needs: 'the cluster as resourceGroup/name or resource id',
      };
    const cluster = c.value;
    const state = `${cluster.powerState ?? 'power state not reported'}, provisioningState ${cluster.provisioningState ?? 'not reported'}`;
    const summary = `Cluster ${cluster.name} (${cluster.resourceGroup}, ${cluster.location}) — ${state}`;
    if (cluster.powerState?.toLowerCase() === 'stopped') {
      const command = `az aks start --resource-group ${cluster.resourceGroup} --name ${cluster.name} --subscription ${cluster.subscriptionId}`;
      return {
        status: 'warn',
        evidence: `${summary}. A stopped cluster has no running nodes, so nothing can pull.`,
        remediation: `Start cluster ${cluster.name} if it should be running.`,
        command,
      };
    }
    if (cluster.provisioningState?.toLowerCase() === 'failed') {
      const command = `az aks update --resource-group ${cluster.resourceGroup} --name ${cluster.name} --subscription ${cluster.subscriptionId}`;
      return {
        status: 'warn',
        evidence: `${summary}. The last operation on the cluster failed; node identity and network settings may be half-applied.`,
        remediation: `Reconcile cluster ${cluster.name} with an empty update and look at the failed operation in its activity log.`,
        command,
      };
    }
    return { status: 'pass', evidence: `${summary}.` };
  },
};
