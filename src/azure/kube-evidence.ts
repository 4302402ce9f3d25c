/**
 * Pod evidence through AKS run command: one read-only command (kube-command.ts), its own deadline, and a
 * parser from its output to KubeFacts. Works on private and AAD-only clusters because ARM, not the bot,
 * reaches the API server. Whatever goes wrong becomes a failed Read saying what the user can run instead.
 */
import type { RunCommandResult } from '@azure/arm-containerservice';
import {
  failed,
  type ContainerFact,
  type EventFact,
  type KubeFacts,
  type NodeFact,
  type PodFact,
  type Read,
} from '../triage/evidence';
import type { AzureClients } from './clients';
import { AKS_AAD_SERVER_SCOPE } from './clients';
import { KUBE_EVIDENCE_COMMAND, PULL_SECRETS_MARKER } from './kube-command';
import { MalformedAnswerError, readArm } from './read';
import { obj, str } from './facts';

export const RUN_COMMAND_NEEDS =
  'Microsoft.ContainerService/managedClusters/runcommand/action and .../commandResults/read on the cluster (e.g. Azure Kubernetes Service Contributor), plus Kubernetes read access for the bot on AAD clusters (e.g. Azure Kubernetes Service RBAC Reader)';
export const SELF_SERVICE = 'kubectl get events -A --field-selector reason=Failed';

export const DEFAULT_POD_DEADLINE_MS = 90_000;

export interface KubeTarget {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  aadManaged: boolean;
  runCommandDisabled: boolean;
}

export interface KubeEvidenceOptions {
  signal?: AbortSignal;
  /** Whole budget for starting the command pod, running and polling. */
  deadlineMs?: number;
  /** Poll interval for the run-command result. */
  pollIntervalMs?: number;
}

export async function readKubeEvidence(clients: AzureClients, cluster: KubeTarget, options: KubeEvidenceOptions = {}): Promise<Read<KubeFacts>> {
  const selfService = `run \`${SELF_SERVICE}\` and \`kubectl get pods -A\` yourself and paste the output`;
  if (cluster.runCommandDisabled) {
    return failed({
      kind: 'error',
      code: 'RunCommandDisabled',
      message: `run command is disabled on ${cluster.name} (apiServerAccessProfile.disableRunCommand), so the bot cannot read pods and events`,
      needs: `run command enabled on ${cluster.name}, or ${selfService}`,
    });
  }
  const read = await readArm<RunCommandResult, KubeFacts>(
    {
      what: `pods and events of ${cluster.name} through run command`,
      needs: RUN_COMMAND_NEEDS,
      signal: options.signal,
      deadlineMs: options.deadlineMs ?? DEFAULT_POD_DEADLINE_MS,
    },
    async (abortSignal) => {
      const clusterToken = cluster.aadManaged ? await aadClusterToken(clients, abortSignal) : undefined;
      return clients.containerService(cluster.subscriptionId).managedClusters.beginRunCommandAndWait(
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
      return parseKubeOutput(result.logs ?? '');
    },
  );
  if (read.state === 'failed') {
    const needs = read.failure.needs ? `${read.failure.needs}; or ${selfService}` : `${selfService}`;
    return failed({ ...read.failure, needs });
  }
  return read;
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

// ---------------------------------------------------------------------------------------------
// Output parser

/** Parses the output of KUBE_EVIDENCE_COMMAND. Throws MalformedAnswerError when it is not that output. */
export function parseKubeOutput(logs: string): KubeFacts {
  const markerAt = logs.indexOf(`\n${PULL_SECRETS_MARKER}`);
  const jsonText = (markerAt >= 0 ? logs.slice(0, markerAt) : logs).trim();
  const secretsText = markerAt >= 0 ? logs.slice(markerAt + PULL_SECRETS_MARKER.length + 1) : '';
  let list: unknown;
  try {
    list = JSON.parse(jsonText);
  } catch {
    throw new MalformedAnswerError(`run command output is not the expected kubectl JSON (starts with "${jsonText.slice(0, 40)}")`);
  }
  const items = obj(list).items;
  if (!Array.isArray(items)) throw new MalformedAnswerError('run command output has no "items" list');

  const facts: KubeFacts = { via: 'run-command', pods: [], events: [], nodes: [], serviceAccounts: [], pullSecrets: [] };
  for (const raw of items) {
    const item = obj(raw);
    switch (str(item.kind)) {
      case 'Pod':
        facts.pods.push(podFact(item));
        break;
      case 'Event':
        facts.events.push(eventFact(item));
        break;
      case 'Node':
        facts.nodes.push(nodeFact(item));
        break;
      case 'ServiceAccount': {
        const meta = obj(item.metadata);
        facts.serviceAccounts.push({ namespace: str(meta.namespace) ?? '', name: str(meta.name) ?? '', imagePullSecrets: secretNames(item.imagePullSecrets) });
        break;
      }
      default:
        break;
    }
  }
  for (const line of secretsText.split('\n')) {
    const [namespace, name, ...rest] = line.trim().split(/\s+/);
    if (namespace && name && rest.length === 0) facts.pullSecrets.push({ namespace, name });
  }
  return facts;
}

function secretNames(value: unknown): string[] {
  return (Array.isArray(value) ? value : []).map((s) => str(obj(s).name)).filter((n): n is string => n !== undefined);
}

function podFact(pod: Record<string, unknown>): PodFact {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const containers: ContainerFact[] = [];
  const add = (specs: unknown, statuses: unknown, kind: ContainerFact['kind']) => {
    const byName = new Map<string, Record<string, unknown>>();
    for (const s of Array.isArray(statuses) ? statuses : []) {
      const name = str(obj(s).name);
      if (name) byName.set(name, obj(s));
    }
    for (const c of Array.isArray(specs) ? specs : []) {
      const container = obj(c);
      const name = str(container.name) ?? '';
      const waiting = obj(obj(byName.get(name)?.state).waiting);
      containers.push({
        name,
        image: str(container.image) ?? str(byName.get(name)?.image) ?? '',
        kind,
        ...(str(waiting.reason) ? { waitingReason: str(waiting.reason) } : {}),
        ...(str(waiting.message) ? { waitingMessage: str(waiting.message) } : {}),
      });
    }
  };
  add(spec.initContainers, status.initContainerStatuses, 'init');
  add(spec.containers, status.containerStatuses, 'container');
  add(spec.ephemeralContainers, status.ephemeralContainerStatuses, 'ephemeral');
  const nodeSelector = obj(spec.nodeSelector);
  const selector = Object.fromEntries(Object.entries(nodeSelector).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return {
    namespace: str(meta.namespace) ?? 'default',
    name: str(meta.name) ?? '',
    ...(str(spec.nodeName) ? { nodeName: str(spec.nodeName) } : {}),
    ...(str(spec.serviceAccountName) ? { serviceAccountName: str(spec.serviceAccountName) } : {}),
    imagePullSecrets: secretNames(spec.imagePullSecrets),
    containers,
    ...(Object.keys(selector).length > 0 ? { nodeSelector: selector } : {}),
  };
}

function eventFact(event: Record<string, unknown>): EventFact {
  const meta = obj(event.metadata);
  const involved = obj(event.involvedObject);
  const count = typeof event.count === 'number' ? event.count : typeof obj(event.series).count === 'number' ? (obj(event.series).count as number) : undefined;
  const last = str(event.lastTimestamp) ?? str(obj(event.series).lastObservedTime) ?? str(event.eventTime) ?? str(meta.creationTimestamp);
  return {
    namespace: str(meta.namespace) ?? str(involved.namespace) ?? 'default',
    involvedKind: str(involved.kind) ?? '',
    involvedName: str(involved.name) ?? '',
    reason: str(event.reason) ?? '',
    message: str(event.message) ?? str(event.note) ?? '',
    ...(count !== undefined ? { count } : {}),
    ...(last ? { lastTimestamp: last } : {}),
  };
}

function nodeFact(node: Record<string, unknown>): NodeFact {
  const meta = obj(node.metadata);
  const labels = obj(meta.labels);
  const info = obj(obj(node.status).nodeInfo);
  const os = str(labels['kubernetes.io/os']) ?? str(info.operatingSystem);
  const arch = str(labels['kubernetes.io/arch']) ?? str(info.architecture);
  const pool = str(labels['agentpool']) ?? str(labels['kubernetes.azure.com/agentpool']);
  return { name: str(meta.name) ?? '', ...(os ? { os } : {}), ...(arch ? { arch } : {}), ...(pool ? { agentPool: pool } : {}) };
}
