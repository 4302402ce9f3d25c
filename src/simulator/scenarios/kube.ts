/**
 * Kubernetes objects of a scenario's cluster, in the Kubernetes API's JSON (v1 Node, Pod, Event,
 * ServiceAccount), and the exact kubelet/containerd texts (docs/domain.md#pull-error-messages) that failing pulls leave in
 * them. Failing pods come with the event trail kubelet writes (Pulling → Failed → Error → BackOff) and
 * sit next to healthy system pods, as on a real cluster.
 */
import type { KubeState } from '../scenario';
import type { ClusterBundle, ClusterNode } from './builders';
import { guid, hex, k8sSuffix } from './ids';
import { TIMES } from './estate';

export type KubeObject = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Nodes

export function node(o: {
  name: string;
  arch: 'amd64' | 'arm64';
  os: 'linux' | 'windows';
  pool: string;
  vmSize?: string;
  providerId?: string;
}): KubeObject {
  const vmSize = o.vmSize ?? 'Standard_D4s_v5';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: o.name,
      uid: guid('node-uid', o.name),
      labels: {
        agentpool: o.pool,
        'kubernetes.azure.com/agentpool': o.pool,
        'kubernetes.io/arch': o.arch,
        'kubernetes.io/os': o.os,
        'kubernetes.io/hostname': o.name,
        'node.kubernetes.io/instance-type': vmSize,
        'topology.kubernetes.io/region': 'westeurope',
      },
      creationTimestamp: TIMES.created,
    },
    ...(o.providerId ? { spec: { providerID: o.providerId } } : {}),
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
      nodeInfo: {
        architecture: o.arch,
        operatingSystem: o.os,
        kubeletVersion: 'v1.32.7',
        containerRuntimeVersion: 'containerd://1.7.28-1',
        osImage: 'Ubuntu 22.04.5 LTS',
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Pull error texts (docs/domain.md#pull-error-messages)

/** A runtime (containerd) error as the CRI reports it: `rpc error: code = <code> desc = <desc>`. */
export interface PullError {
  /** Full text kubelet appends after `Failed to pull image "<img>": `. */
  text: string;
}

interface ImageParts {
  host: string;
  repository: string;
  tag: string;
}

function partsOf(image: string): ImageParts {
  const slash = image.indexOf('/');
  const host = image.slice(0, slash);
  const rest = image.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  return { host, repository: colon > 0 ? rest.slice(0, colon) : rest, tag: colon > 0 ? rest.slice(colon + 1) : 'latest' };
}

function rpc(code: string, desc: string): PullError {
  return { text: `rpc error: code = ${code} desc = ${desc}` };
}

function unpack(image: string): string {
  return `failed to pull and unpack image "${image}"`;
}

function resolve(image: string): string {
  return `${unpack(image)}: failed to resolve reference "${image}"`;
}

function tokenUrl(image: string, tokenPath = '/oauth2/token'): string {
  const { host, repository } = partsOf(image);
  const scope = encodeURIComponent(`repository:${repository}:pull`);
  return `https://${host}${tokenPath}?scope=${scope}&service=${host}`;
}

function manifestUrl(image: string): string {
  const { host, repository, tag } = partsOf(image);
  return `https://${host}/v2/${repository}/manifests/${tag}`;
}

export const pullErrors = {
  /** Newer containerd: anonymous token refused (no role, expired secret, detached identity, ABAC condition, unknown repo). */
  unauthorized: (image: string): PullError =>
    rpc(
      'Unknown',
      `${resolve(image)}: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to ${tokenUrl(image)}: 401 Unauthorized`,
    ),
  /** Same cause, for a third-party registry whose token endpoint is /token. */
  unauthorizedAt: (image: string, tokenPath: string): PullError =>
    rpc(
      'Unknown',
      `${resolve(image)}: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to ${tokenUrl(image, tokenPath)}: 401 Unauthorized`,
    ),
  /** Older containerd wording of a refused token. */
  oauthUnauthorized: (image: string): PullError =>
    rpc('Unknown', `${resolve(image)}: failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized`),
  /** ACR firewall (Selected networks) refused the node's egress IP. */
  firewallDenied: (image: string, ip: string): PullError =>
    rpc(
      'Unknown',
      `${resolve(image)}: unexpected status from HEAD request to ${manifestUrl(image)}: 403 Forbidden: denied: {"errors":[{"code":"DENIED","message":"client with IP '${ip}' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}`,
    ),
  /** 403 on the token endpoint: public access disabled, or the name resolved to the public IP. */
  forbidden: (image: string): PullError =>
    rpc(
      'Unknown',
      `${resolve(image)}: failed to authorize: failed to fetch anonymous token: unexpected status from GET request to ${tokenUrl(image)}: 403 Forbidden`,
    ),
  notFound: (image: string): PullError => rpc('NotFound', `${resolve(image)}: ${image}: not found`),
  dns: (image: string, dnsServer = '168.63.129.16'): PullError =>
    rpc(
      'Unknown',
      `${resolve(image)}: failed to do request: Head "${manifestUrl(image)}": dial tcp: lookup ${partsOf(image).host} on ${dnsServer}:53: no such host`,
    ),
  timeout: (image: string, ip: string): PullError =>
    rpc('Unknown', `${resolve(image)}: failed to do request: Head "${manifestUrl(image)}": dial tcp ${ip}:443: i/o timeout`),
  tlsTimeout: (image: string): PullError =>
    rpc('Unknown', `${resolve(image)}: failed to do request: Head "${manifestUrl(image)}": net/http: TLS handshake timeout`),
  /** Manifest fetched, layer download from the data endpoint cut by the egress firewall. */
  blobEof: (image: string, dataHost: string): PullError => {
    const { repository } = partsOf(image);
    const layer = hex(64, 'layer', image);
    return rpc(
      'Unknown',
      `${unpack(image)}: failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://${dataHost}/docker/registry/v2/blobs/sha256/${layer.slice(0, 2)}/${layer}/data?repository=${repository}": EOF`,
    );
  },
  platform: (image: string): PullError => rpc('NotFound', `${unpack(image)}: no match for platform in manifest: not found`),
  /** Kubelet's own throttle, before the runtime is asked. */
  pullQps: (): PullError => ({ text: 'pull QPS exceeded' }),
};

// ---------------------------------------------------------------------------------------------
// Pods and events

export interface PodRef {
  ns: string;
  name: string;
  container?: string;
}

function podUid(ns: string, name: string): string {
  return guid('pod-uid', ns, name);
}

export function pod(o: {
  ns: string;
  name: string;
  image: string;
  node?: string;
  container?: string;
  /** ErrImagePull | ImagePullBackOff | InvalidImageName …; absent = running. */
  waitingReason?: string;
  waitingMessage?: string;
  pullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  app?: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}): KubeObject {
  const container = o.container ?? o.app ?? o.name.split('-')[0];
  const running = o.waitingReason === undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.ns,
      uid: podUid(o.ns, o.name),
      labels: { app: o.app ?? container },
      creationTimestamp: TIMES.podStart,
    },
    spec: {
      containers: [{ name: container, image: o.image, imagePullPolicy: o.imagePullPolicy ?? 'IfNotPresent' }],
      ...(o.node ? { nodeName: o.node } : {}),
      serviceAccountName: 'default',
      restartPolicy: 'Always',
      ...(o.pullSecrets ? { imagePullSecrets: o.pullSecrets.map((name) => ({ name })) } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    },
    status: {
      phase: running ? 'Running' : 'Pending',
      ...(o.node ? { hostIP: '10.224.0.4' } : {}),
      startTime: TIMES.podStart,
      containerStatuses: [
        running
          ? {
              name: container,
              image: o.image,
              imageID: `${o.image.replace(/:[^:/]+$/, '')}@sha256:${hex(64, 'digest', o.image)}`,
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: TIMES.podStart } },
            }
          : {
              name: container,
              image: o.image,
              imageID: '',
              ready: false,
              started: false,
              restartCount: 0,
              state: { waiting: { reason: o.waitingReason, ...(o.waitingMessage ? { message: o.waitingMessage } : {}) } },
            },
      ],
    },
  };
}

export function event(o: {
  reason: 'Pulling' | 'Failed' | 'BackOff' | 'FailedToRetrieveImagePullSecret';
  message: string;
  involvedPod: PodRef;
  node?: string;
  count?: number;
}): KubeObject {
  const normal = o.reason === 'Pulling';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${o.involvedPod.name}.${hex(16, 'event', o.involvedPod.ns, o.involvedPod.name, o.reason, o.message)}`,
      namespace: o.involvedPod.ns,
      uid: guid('event-uid', o.involvedPod.ns, o.involvedPod.name, o.reason, o.message),
      creationTimestamp: TIMES.failing,
    },
    involvedObject: {
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: o.involvedPod.ns,
      name: o.involvedPod.name,
      uid: podUid(o.involvedPod.ns, o.involvedPod.name),
      ...(o.involvedPod.container ? { fieldPath: `spec.containers{${o.involvedPod.container}}` } : {}),
    },
    reason: o.reason,
    message: o.message,
    source: { component: 'kubelet', ...(o.node ? { host: o.node } : {}) },
    firstTimestamp: TIMES.failing,
    lastTimestamp: TIMES.lastSeen,
    count: o.count ?? 1,
    type: normal ? 'Normal' : 'Warning',
    reportingComponent: 'kubelet',
    reportingInstance: o.node ?? '',
  };
}

/** Objects of one workload replica: the pod and the events kubelet wrote about it. */
export interface PodBundle {
  pod: KubeObject;
  events: KubeObject[];
  ref: PodRef;
}

/** `<app>-<replicaset hash>-<pod hash>`, as a Deployment names its pods. */
export function deploymentPodName(app: string, seed: string): string {
  return `${app}-${k8sSuffix(10, 'rs', seed, app)}-${k8sSuffix(5, 'pod', seed, app)}`;
}

export function runningPod(o: { ns: string; app: string; image: string; node: string; seed: string; pullSecrets?: string[] }): PodBundle {
  const name = deploymentPodName(o.app, o.seed);
  return {
    pod: pod({ ns: o.ns, name, app: o.app, image: o.image, node: o.node, ...(o.pullSecrets ? { pullSecrets: o.pullSecrets } : {}) }),
    events: [],
    ref: { ns: o.ns, name, container: o.app },
  };
}

/**
 * A replica that cannot pull: waiting in ImagePullBackOff (newer kubelets put the cause in the message)
 * or still in ErrImagePull, with the Pulling / Failed / Error / BackOff events of a real kubelet.
 */
export function failingPod(o: {
  ns: string;
  app: string;
  image: string;
  node: string;
  seed: string;
  error: PullError;
  backOff?: boolean;
  pullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  imagePullPolicy?: 'Always' | 'IfNotPresent';
}): PodBundle {
  const name = deploymentPodName(o.app, o.seed);
  const ref: PodRef = { ns: o.ns, name, container: o.app };
  const backOff = o.backOff ?? true;
  const pullText = `Failed to pull image "${o.image}": ${o.error.text}`;
  return {
    pod: pod({
      ns: o.ns,
      name,
      app: o.app,
      image: o.image,
      node: o.node,
      waitingReason: backOff ? 'ImagePullBackOff' : 'ErrImagePull',
      waitingMessage: backOff ? `Back-off pulling image "${o.image}": ErrImagePull: ${o.error.text}` : o.error.text,
      ...(o.pullSecrets ? { pullSecrets: o.pullSecrets } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
    }),
    events: [
      event({ reason: 'Pulling', message: `Pulling image "${o.image}"`, involvedPod: ref, node: o.node, count: 4 }),
      event({ reason: 'Failed', message: pullText, involvedPod: ref, node: o.node, count: 4 }),
      event({ reason: 'Failed', message: 'Error: ErrImagePull', involvedPod: ref, node: o.node, count: 4 }),
      ...(backOff
        ? [
            event({ reason: 'BackOff', message: `Back-off pulling image "${o.image}"`, involvedPod: ref, node: o.node, count: 37 }),
            event({ reason: 'Failed', message: 'Error: ImagePullBackOff', involvedPod: ref, node: o.node, count: 37 }),
          ]
        : []),
    ],
    ref,
  };
}

/** Kubelet's warning when a pod names an imagePullSecret that is not in its namespace. */
export function missingPullSecretEvent(ref: PodRef, secret: string, node?: string): KubeObject {
  return event({
    reason: 'FailedToRetrieveImagePullSecret',
    message: `Unable to retrieve some image pull secrets (${secret}); attempting to pull the image may not succeed.`,
    involvedPod: ref,
    ...(node ? { node } : {}),
    count: 12,
  });
}

/** System pods every AKS cluster runs (from MCR), so "failing pods" are never the whole cluster. */
function systemPods(cluster: ClusterBundle): PodBundle[] {
  const first = cluster.nodes.find((n) => n.os === 'linux');
  if (!first) return [];
  return [
    runningPod({
      ns: 'kube-system',
      app: 'coredns',
      image: 'mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.11.3-8',
      node: first.name,
      seed: cluster.id,
    }),
    runningPod({
      ns: 'kube-system',
      app: 'konnectivity-agent',
      image: 'mcr.microsoft.com/oss/v2/kubernetes/apiserver-network-proxy/agent:v0.30.3-3',
      node: first.name,
      seed: cluster.id,
    }),
    runningPod({
      ns: 'kube-system',
      app: 'metrics-server',
      image: 'mcr.microsoft.com/oss/v2/kubernetes/metrics-server:v0.7.2-5',
      node: first.name,
      seed: cluster.id,
    }),
  ];
}

/** The node a workload runs on: the first node of `pool` (default: the first Linux node). */
export function nodeOf(cluster: ClusterBundle, pool?: string): string {
  const found: ClusterNode | undefined = pool ? cluster.nodes.find((n) => n.pool === pool) : cluster.nodes.find((n) => n.os === 'linux');
  if (!found) throw new Error(`Cluster ${cluster.name} has no running node${pool ? ` in pool ${pool}` : ''}`);
  return found.name;
}

export function kubeState(
  cluster: ClusterBundle,
  o: {
    workloads?: PodBundle[];
    extraEvents?: KubeObject[];
    pullSecrets?: { namespace: string; name: string }[];
    runCommandFailure?: string;
  } = {},
): KubeState {
  const bundles = [...systemPods(cluster), ...(o.workloads ?? [])];
  const namespaces = [...new Set(bundles.map((b) => b.ref.ns))].sort();
  return {
    nodes: cluster.nodes.map((n) => node({ name: n.name, arch: n.arch, os: n.os, pool: n.pool, vmSize: n.vmSize, providerId: n.providerId })),
    pods: bundles.map((b) => b.pod),
    events: [...bundles.flatMap((b) => b.events), ...(o.extraEvents ?? [])],
    serviceAccounts: namespaces.map((ns) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace: ns, uid: guid('sa-uid', cluster.id.toLowerCase(), ns), creationTimestamp: TIMES.created },
    })),
    pullSecrets: o.pullSecrets ?? [],
    ...(o.runCommandFailure ? { runCommandFailure: o.runCommandFailure } : {}),
  };
}
