/**
 * Evidence family "pods": what runs in the cluster, read beside the ARM evidence and never delaying it.
 * Needs only the cluster (no registry), so a cluster can be examined alone.
 */
import { skipped, type KubeFacts, type Read } from '../triage/evidence';
import type { AzureClients } from './clients';
import { readKubeEvidence } from './kube-evidence';
import type { Resolution } from './resolve';

export const PODS_PENDING = 'pod evidence is still being read';
export const PODS_OFF = 'pod evidence was turned off (--no-pods / TRIAGE_PODS=false)';

export interface PodsInputs {
  clients: AzureClients;
  /** The lookup's answer for the cluster. */
  cluster: Resolution['cluster'];
  pods?: boolean;
  signal?: AbortSignal;
  podDeadlineMs?: number;
  podPollIntervalMs?: number;
}

export async function gatherPods({ clients, cluster, ...options }: PodsInputs): Promise<Read<KubeFacts>> {
  if (options.pods === false) return skipped(PODS_OFF, 'turned-off');
  if (!cluster) return skipped('the cluster could not be identified, so its pods could not be read', 'missing-input');
  const basis = cluster.hint ?? (cluster.read?.state === 'ok' ? cluster.read.value : undefined);
  if (!basis) return skipped('the cluster could not be read, so its pods could not be read', 'missing-input');
  return readKubeEvidence(
    clients,
    {
      subscriptionId: basis.subscriptionId,
      resourceGroup: basis.resourceGroup,
      name: basis.name,
      aadManaged: basis.aad.managed,
      runCommandDisabled: basis.apiServer.disableRunCommand,
      privateCluster: basis.apiServer.privateCluster,
    },
    { signal: options.signal, deadlineMs: options.podDeadlineMs, pollIntervalMs: options.podPollIntervalMs },
  );
}
