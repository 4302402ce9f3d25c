/**
 * Pod evidence straight from the cluster's Kubernetes API (kube-client.ts), for clusters whose
 * API server the bot can reach: seconds instead of run command's pod scheduling. The kubeconfig from
 * `listClusterUserCredential` names the server and its CA; Entra-enabled clusters are then called with the
 * bot's own token for the AKS server application, local-account clusters with the kubeconfig's credential.
 * The same five lists as the run-command path, each on its own (a Forbidden one costs only its piece), paged
 * with `limit`/`continue`. A server that cannot be reached returns `unreachable`, so the caller can fall back.
 */
import { connectionFromKubeconfig, listPage, type KubeConnection, type ListPage } from './kube-client';
import {
  failed,
  ok,
  type ContainerFact,
  type EventFact,
  type KubeFacts,
  type NodeFact,
  type PodFact,
  type PullSecretFact,
  type Read,
  type ServiceAccountFact,
} from '../triage/evidence';
import { PULL_WAITING_REASONS } from '../triage/failing-pods';
import type { AzureClients } from './clients';
import { AKS_AAD_SERVER_SCOPE } from './clients';
import { PULL_EVENT_REASONS, type KubeSection } from './kube-command';
import { kubePermission } from './kube-permissions';
import { readArm } from './read';

const CLUSTER_USER_NEEDS =
  'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action on the cluster (Azure Kubernetes Service Cluster User Role)';

/** Items per list request, as kubectl asks for them. */
const PAGE_SIZE = 500;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface KubeApiTarget {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  aadManaged: boolean;
}

export interface KubeApiOptions {
  signal?: AbortSignal;
  deadlineMs?: number;
}

export type KubeApiResult =
  | { state: 'read'; read: Read<KubeFacts> }
  /** The API server did not answer: run command may still reach the cluster. */
  | { state: 'unreachable'; reason: string }
  /** The cluster-user kubeconfig could not be had: run command needs other permissions, so it may still work. */
  | { state: 'no-credential'; reason: string };

export async function readKubeEvidenceViaApi(clients: AzureClients, cluster: KubeApiTarget, options: KubeApiOptions = {}): Promise<KubeApiResult> {
  const spec = { signal: options.signal, deadlineMs: options.deadlineMs };
  // The token does not depend on the kubeconfig: both are asked for at once (one round trip, not two).
  const token = cluster.aadManaged ? aadToken(clients, options.signal) : undefined;
  token?.catch(() => undefined);
  const credential = await readArm(
    { ...spec, what: `the cluster-user kubeconfig of ${cluster.name}`, needs: CLUSTER_USER_NEEDS },
    (abortSignal) =>
      clients
        .containerService(cluster.subscriptionId)
        .managedClusters.listClusterUserCredentials(cluster.resourceGroup, cluster.name, { abortSignal }),
    (result) => {
      const value = result.kubeconfigs?.[0]?.value;
      if (!value) throw new Error('listClusterUserCredential returned no kubeconfig');
      return Buffer.from(value).toString('utf8');
    },
  );
  if (credential.state !== 'ok')
    return { state: 'no-credential', reason: credential.state === 'failed' ? credential.failure.message : credential.reason };

  let connection: KubeConnection;
  try {
    connection = connectionFromKubeconfig(credential.value, token ? await token : undefined);
  } catch (error) {
    // No usable kubeconfig, or no token for the AKS server application: run command may still read the cluster.
    return { state: 'no-credential', reason: `the Kubernetes API could not be called: ${error instanceof Error ? error.message : String(error)}` };
  }
  const list = <T>(section: KubeSection, path: string, fieldSelector: string | undefined, map: (items: unknown[]) => T) =>
    readAllPages(
      section,
      cluster.name,
      (cont, signal) => listPage(connection, path, { fieldSelector, limit: String(PAGE_SIZE), continue: cont }, signal),
      map,
      spec,
    );
  const [pods, events, nodes, serviceAccounts, pullSecrets] = await Promise.all([
    list('pods', '/api/v1/pods', undefined, podFacts),
    list('events', '/api/v1/events', 'involvedObject.kind=Pod,type=Warning', eventFacts),
    list('nodes', '/api/v1/nodes', undefined, nodeFacts),
    list('serviceaccounts', '/api/v1/serviceaccounts', undefined, serviceAccountFacts),
    list('secrets', '/api/v1/secrets', 'type=kubernetes.io/dockerconfigjson', secretNames),
  ]);
  for (const r of [pods, events, nodes, serviceAccounts, pullSecrets]) if ('unreachable' in r) return { state: 'unreachable', reason: r.unreachable };
  const podsRead = readOf(pods);
  if (podsRead.state !== 'ok')
    return { state: 'read', read: podsRead.state === 'failed' ? failed(podsRead.failure) : failed({ kind: 'error', message: podsRead.reason }) };
  return {
    state: 'read',
    read: ok({
      via: 'kubernetes-api',
      podCount: podsRead.value.count,
      pods: podsRead.value.pods,
      events: readOf(events),
      nodes: readOf(nodes),
      serviceAccounts: readOf(serviceAccounts),
      pullSecrets: readOf(pullSecrets),
    }),
  };
}

async function aadToken(clients: AzureClients, abortSignal: AbortSignal | undefined): Promise<string> {
  const token = await clients.credential.getToken(AKS_AAD_SERVER_SCOPE, { abortSignal });
  if (!token) throw new Error('the credential returned no token for the AKS server application');
  return token.token;
}

type PageOutcome<T> = { read: Read<T> } | { unreachable: string };

function readOf<T>(outcome: PageOutcome<T>): Read<T> {
  return 'read' in outcome ? outcome.read : failed({ kind: 'unavailable', message: outcome.unreachable });
}

async function readAllPages<T>(
  section: KubeSection,
  clusterName: string,
  page: (cont: string | undefined, signal: AbortSignal) => Promise<ListPage>,
  map: (items: unknown[]) => T,
  spec: KubeApiOptions,
): Promise<PageOutcome<T>> {
  const items: unknown[] = [];
  let cont: string | undefined;
  let unreachable: string | undefined;
  const read = await readArm({ ...spec, what: `${section} of ${clusterName} (Kubernetes API)`, needs: kubePermission(section) }, async (signal) => {
    do {
      try {
        const result = await page(cont, signal);
        items.push(...result.items);
        cont = result.next;
      } catch (error) {
        const code = connectionCode(error);
        if (code) {
          unreachable = `the API server did not answer (${code})`;
          return;
        }
        throw error;
      }
    } while (cont);
  });
  if (unreachable) return { unreachable };
  if (read.state === 'failed') return { read: failed(read.failure) };
  return { read: ok(map(items)) };
}

function connectionCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errno?: unknown; cause?: { code?: unknown } };
  const code = [e.code, e.errno, e.cause?.code].find((c): c is string => typeof c === 'string');
  return code && UNREACHABLE_CODES.has(code) ? code : undefined;
}

// ---------------------------------------------------------------------------------------------
// Objects to facts (the same selection the run-command templates print)

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const names = (v: unknown): string[] =>
  arr(v)
    .map((s) => text(rec(s).name))
    .filter((n): n is string => n !== undefined);

function podFacts(items: unknown[]): { count: number; pods: PodFact[] } {
  const pods: PodFact[] = [];
  for (const raw of items) {
    const pod = rec(raw);
    const meta = rec(pod.metadata);
    const spec = rec(pod.spec);
    const status = rec(pod.status);
    const containers: ContainerFact[] = [];
    for (const [key, kind] of [
      ['initContainerStatuses', 'init'],
      ['containerStatuses', 'container'],
      ['ephemeralContainerStatuses', 'ephemeral'],
    ] as const) {
      for (const c of arr(status[key]).map(rec)) {
        const waiting = rec(rec(c.state).waiting);
        const reason = text(waiting.reason);
        if (!reason || !PULL_WAITING_REASONS.has(reason)) continue;
        const message = text(waiting.message);
        containers.push({
          name: text(c.name) ?? '',
          image: text(c.image) ?? '',
          kind,
          waitingReason: reason,
          ...(message ? { waitingMessage: message } : {}),
        });
      }
    }
    if (containers.length === 0) continue;
    const selector = Object.fromEntries(Object.entries(rec(spec.nodeSelector)).filter((e): e is [string, string] => typeof e[1] === 'string'));
    pods.push({
      namespace: text(meta.namespace) ?? 'default',
      name: text(meta.name) ?? '',
      ...(text(spec.nodeName) ? { nodeName: text(spec.nodeName) } : {}),
      ...(text(spec.serviceAccountName) ? { serviceAccountName: text(spec.serviceAccountName) } : {}),
      imagePullSecrets: names(spec.imagePullSecrets),
      containers,
      ...(Object.keys(selector).length > 0 ? { nodeSelector: selector } : {}),
    });
  }
  return { count: items.length, pods };
}

const when = (v: unknown): string | undefined => (v instanceof Date ? v.toISOString() : text(v));

function eventFacts(items: unknown[]): EventFact[] {
  return items
    .map(rec)
    .filter((e) => (PULL_EVENT_REASONS as readonly string[]).includes(text(e.reason) ?? ''))
    .map((e) => {
      const meta = rec(e.metadata);
      const involved = rec(e.involvedObject);
      const last = when(e.lastTimestamp);
      return {
        namespace: text(meta.namespace) ?? text(involved.namespace) ?? 'default',
        involvedKind: text(involved.kind) ?? '',
        involvedName: text(involved.name) ?? '',
        reason: text(e.reason) ?? '',
        message: text(e.message) ?? '',
        ...(typeof e.count === 'number' ? { count: e.count } : {}),
        ...(last ? { lastTimestamp: last } : {}),
      };
    });
}

function nodeFacts(items: unknown[]): NodeFact[] {
  return items.map(rec).map((n) => {
    const info = rec(rec(n.status).nodeInfo);
    const pool = text(rec(rec(n.metadata).labels)['kubernetes.azure.com/agentpool']);
    const [os, arch] = [text(info.operatingSystem), text(info.architecture)];
    return { name: text(rec(n.metadata).name) ?? '', ...(os ? { os } : {}), ...(arch ? { arch } : {}), ...(pool ? { agentPool: pool } : {}) };
  });
}

function serviceAccountFacts(items: unknown[]): ServiceAccountFact[] {
  return items
    .map(rec)
    .filter((a) => arr(a.imagePullSecrets).length > 0)
    .map((a) => ({
      namespace: text(rec(a.metadata).namespace) ?? '',
      name: text(rec(a.metadata).name) ?? '',
      imagePullSecrets: names(a.imagePullSecrets),
    }));
}

/** Names only: the secrets' data arrives with the list but is dropped here, never kept or logged. */
function secretNames(items: unknown[]): PullSecretFact[] {
  return items.map(rec).map((s) => ({ namespace: text(rec(s.metadata).namespace) ?? '', name: text(rec(s.metadata).name) ?? '' }));
}
