/**
 * A cluster's pods without a registry in mind: find the cluster (the same lookup a triage makes, with no
 * registry side) and read its pods and events the same way a triage does. What could not be found or read
 * stays a failed or skipped Read with its reason, never an empty list of pods.
 */
import { skipped, type ClusterFacts, type KubeFacts, type Read } from '../triage/evidence';
import type { ClusterPodsOptions, ClusterPods } from '../triage/engine';
import type { ClusterRef } from '../triage/refs';
import type { AzureClients } from './clients';
import { gatherPods } from './gather-pods';
import { readCluster, resolveTarget, type Resolution } from './resolve';

/** Stands in for "no registry" in the shared lookup: an external registry is never searched for. */
const NO_REGISTRY = { kind: 'external', host: 'registry.invalid' } as const;

export async function readClusterPods(
  clients: AzureClients,
  cluster: ClusterRef,
  options: ClusterPodsOptions & { readDeadlineMs?: number; podPollIntervalMs?: number },
): Promise<Omit<ClusterPods, 'requestCount'>> {
  const spec = { signal: options.signal, deadlineMs: options.readDeadlineMs };
  options.onProgress?.(`looking up ${cluster.name}…`);
  const resolution = await resolveTarget({ cluster, registry: NO_REGISTRY, subscriptionId: options.subscriptionId }, clients, spec);
  const clusterRead = await clusterOf(resolution, clients, spec);
  if (clusterRead.state !== 'ok') {
    return {
      cluster: clusterRead,
      kube: skipped<KubeFacts>(`the cluster ${cluster.name} could not be identified, so its pods could not be read`, 'missing-input'),
    };
  }
  options.onProgress?.(`reading pods and events of ${clusterRead.value.name}…`);
  const kube = await gatherPods({
    clients,
    cluster: { ...resolution.cluster!, hint: clusterRead.value },
    signal: options.signal,
    podDeadlineMs: options.podDeadlineMs,
    podPollIntervalMs: options.podPollIntervalMs,
  });
  return { cluster: clusterRead, kube };
}

async function clusterOf(
  resolution: Resolution,
  clients: AzureClients,
  spec: { signal?: AbortSignal; deadlineMs?: number },
): Promise<Read<ClusterFacts>> {
  const found = resolution.cluster;
  if (found?.hint) return { state: 'ok', value: found.hint };
  if (found?.read) return found.read;
  if (found) return readCluster(clients, found.locator.subscriptionId, found.locator.resourceGroup, found.locator.name, spec);
  const lookup = resolution.clusterLookup;
  if (lookup.state === 'failed') return { state: 'failed', failure: lookup.failure };
  if (lookup.state === 'skipped') return lookup;
  const n = lookup.value.candidates.length;
  return skipped(
    n === 0
      ? `no cluster matching the name is visible to the bot (searched ${lookup.value.searched})`
      : `${n} clusters match the name: name it as resourceGroup/name or by its resource id`,
    'missing-input',
  );
}
