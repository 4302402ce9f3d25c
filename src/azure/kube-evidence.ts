/**
 * Pod evidence through AKS run command: one read-only command (kube-command.ts), its own deadline, and its
 * output parsed piece by piece (kube-output.ts). Callable for a cluster alone (no registry needed). Works on private and AAD-only clusters because ARM, not the bot,
 * reaches the API server. Whatever goes wrong becomes a failed Read saying what the user can run instead.
 */
import type { RunCommandResult } from '@azure/arm-containerservice';
import { failed, type KubeFacts, type Read } from '../triage/evidence';
import type { AzureClients } from './clients';
import { AKS_AAD_SERVER_SCOPE } from './clients';
import { KUBE_EVIDENCE_COMMAND } from './kube-command';
import { KubeSectionError, parseKubeOutput } from './kube-output';
import { readArm } from './read';
import { readKubeEvidenceViaApi } from './kube-api';

export const RUN_COMMAND_NEEDS =
  'Microsoft.ContainerService/managedClusters/runcommand/action and .../commandResults/read on the cluster (e.g. Azure Kubernetes Service Contributor), plus Kubernetes read access for the bot on AAD clusters (e.g. Azure Kubernetes Service RBAC Reader)';
export const SELF_SERVICE = 'kubectl get events -A --field-selector reason=Failed';

export const DEFAULT_POD_DEADLINE_MS = 90_000;
/** The direct path answers in seconds or not at all; then run command still has its own budget. */
export const DEFAULT_API_DEADLINE_MS = 15_000;

export interface KubeTarget {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  aadManaged: boolean;
  runCommandDisabled: boolean;
  /** A private API server is reached only through run command. */
  privateCluster: boolean;
}

export interface KubeEvidenceOptions {
  signal?: AbortSignal;
  /** Whole budget for starting the command pod, running and polling. */
  deadlineMs?: number;
  /** Poll interval for the run-command result. */
  pollIntervalMs?: number;
  /** Budget of the direct Kubernetes API path before falling back to run command. */
  apiDeadlineMs?: number;
}

/**
 * The failing pods of a cluster (with their images), their events, nodes, service accounts and pull-secret
 * names — for a cluster alone, no registry needed. Straight from the Kubernetes API when the API server is
 * public and answers; through run command when it is private, does not answer, or the bot may not fetch
 * the cluster-user credential. `via` (and `viaReason`) say which path it was.
 */
export async function readKubeEvidence(clients: AzureClients, cluster: KubeTarget, options: KubeEvidenceOptions = {}): Promise<Read<KubeFacts>> {
  if (cluster.privateCluster) return withReason(await readKubeEvidenceViaRunCommand(clients, cluster, options), 'the API server is private');
  const apiDeadlineMs = Math.min(options.apiDeadlineMs ?? DEFAULT_API_DEADLINE_MS, options.deadlineMs ?? DEFAULT_POD_DEADLINE_MS);
  const direct = await readKubeEvidenceViaApi(clients, cluster, { signal: options.signal, deadlineMs: apiDeadlineMs });
  if (direct.state === 'read') return direct.read;
  const why = direct.state === 'unreachable' ? direct.reason : `the cluster-user credential could not be read (${direct.reason})`;
  return withReason(await readKubeEvidenceViaRunCommand(clients, cluster, options), why);
}

function withReason(read: Read<KubeFacts>, reason: string): Read<KubeFacts> {
  return read.state === 'ok' ? { state: 'ok', value: { ...read.value, viaReason: reason } } : read;
}

export async function readKubeEvidenceViaRunCommand(
  clients: AzureClients,
  cluster: KubeTarget,
  options: KubeEvidenceOptions = {},
): Promise<Read<KubeFacts>> {
  const selfService = `run \`${SELF_SERVICE}\` and \`kubectl get pods -A\` yourself and paste the output`;
  if (cluster.runCommandDisabled) {
    return failed({
      kind: 'error',
      code: 'RunCommandDisabled',
      message: `run command is disabled on ${cluster.name} (apiServerAccessProfile.disableRunCommand), so the bot cannot read pods and events`,
      needs: `run command enabled on ${cluster.name}, or ${selfService}`,
    });
  }
  const read = await readArm<RunCommandResult, KubeFacts | KubeSectionError>(
    {
      what: `pods and events of ${cluster.name} through run command`,
      needs: RUN_COMMAND_NEEDS,
      signal: options.signal,
      deadlineMs: options.deadlineMs ?? DEFAULT_POD_DEADLINE_MS,
    },
    async (abortSignal) => {
      const clusterToken = cluster.aadManaged ? await aadClusterToken(clients, abortSignal) : undefined;
      return clients
        .containerService(cluster.subscriptionId)
        .managedClusters.beginRunCommandAndWait(
          cluster.resourceGroup,
          cluster.name,
          { command: KUBE_EVIDENCE_COMMAND, context: '', ...(clusterToken ? { clusterToken } : {}) },
          { abortSignal, updateIntervalInMs: options.pollIntervalMs ?? 1000 },
        );
    },
    (result) => {
      const state = result.provisioningState?.toLowerCase();
      if (state !== 'succeeded') throw new RunCommandFailedError(result);
      if (result.exitCode !== undefined && result.exitCode !== 0) throw new RunCommandFailedError(result);
      try {
        return parseKubeOutput(result.logs ?? '');
      } catch (error) {
        // The pods query itself was refused: that failure, with its Kubernetes permission, is the answer.
        if (error instanceof KubeSectionError) return error;
        throw error;
      }
    },
  );
  if (read.state === 'ok' && read.value instanceof KubeSectionError) return failed(read.value.failure);
  if (read.state === 'failed') {
    const needs = read.failure.needs ? `${read.failure.needs}; or ${selfService}` : `${selfService}`;
    return failed({ ...read.failure, needs });
  }
  return read as Read<KubeFacts>;
}

/** The command pod did not run or kubectl failed: report it as the command's own failure, with its reason. */
class RunCommandFailedError extends Error {
  readonly code = 'RunCommandFailed';
  constructor(result: RunCommandResult) {
    const reason = result.reason ?? firstLine(result.logs) ?? 'no reason given';
    super(
      result.provisioningState?.toLowerCase() !== 'succeeded'
        ? `the run-command pod did not complete (${result.provisioningState ?? 'no state'}: ${reason})`
        : `kubectl exited with code ${result.exitCode}: ${reason}`,
    );
    this.name = 'RunCommandFailedError';
  }
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().slice(0, 200) : undefined;
}

async function aadClusterToken(clients: AzureClients, abortSignal: AbortSignal): Promise<string> {
  const token = await clients.credential.getToken(AKS_AAD_SERVER_SCOPE, { abortSignal });
  if (!token) throw new Error('the credential returned no token for the AKS AAD server application');
  return token.token;
}
