/**
 * A triage from the cluster alone (`check aks-prod`, an alert that names a cluster and a pod): read the
 * cluster's pods once, group the containers failing to pull by the registry their image names, and triage
 * each registry with those pods (no second pod read). Failing registries lead; a cluster where nothing fails
 * to pull says so, with what was read; a cluster whose pods could not be read says why — never "healthy".
 */
import type { ClusterFacts, KubeFacts, Read } from './evidence';
import type { ClusterPods, TriageEngine, TriageResult } from './engine';
import { imageHostOf, PULL_WAITING_REASONS } from './failing-pods';
import type { ClusterRef, ImageRef, RegistryRef } from './refs';
import type { Verdict } from './report';
import { parseRegistryRef } from './target';

export interface PodFilter {
  namespace?: string;
  pod?: string;
}

export interface FailingContainer {
  namespace: string;
  pod: string;
  container: string;
  image: string;
  reason: string;
}

export interface RegistryGroup {
  /** The login server of an ACR (data-endpoint and geo hosts fold into it), else the host. */
  key: string;
  registry: RegistryRef;
  /** The first failing image of this registry: the one image.exists and image.platform look at. */
  image?: ImageRef;
  failing: FailingContainer[];
}

export interface RegistryTriage {
  group: RegistryGroup;
  result: TriageResult;
}

export type ClusterVerdict = Verdict | 'no-failing-pods';

export interface ClusterTriage {
  cluster: Read<ClusterFacts>;
  kube: Read<KubeFacts>;
  filter: PodFilter;
  /** Failing registries first, in the order of how many containers fail on each. */
  registries: RegistryTriage[];
  verdict: ClusterVerdict;
  /** Pods that were looked at (after the filter), for "what was read". */
  podsRead: number;
  requestCount: number;
}

/** Every container waiting on a pull, grouped by registry; most failing containers first. */
export function failingRegistries(kube: KubeFacts, filter: PodFilter = {}): RegistryGroup[] {
  const groups = new Map<string, RegistryGroup>();
  for (const pod of podsMatching(kube, filter)) {
    for (const c of pod.containers) {
      if (!c.waitingReason || !PULL_WAITING_REASONS.has(c.waitingReason) || c.image === '') continue;
      const { registry, image } = registryOfImage(c.image);
      const key = registry.kind === 'acr-host' ? registry.loginServer : registry.kind === 'external' ? registry.host : registry.name;
      const group = groups.get(key) ?? { key, registry, ...(image ? { image } : {}), failing: [] };
      group.failing.push({ namespace: pod.namespace, pod: pod.name, container: c.name, image: c.image, reason: c.waitingReason });
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.failing.length - a.failing.length);
}

function podsMatching(kube: KubeFacts, filter: PodFilter) {
  return kube.pods.filter((p) => (!filter.namespace || p.namespace === filter.namespace) && (!filter.pod || p.name === filter.pod));
}

/** The registry an image is pulled from; an image the ref grammar refuses (a mistyped host) is still grouped by its host. */
function registryOfImage(reference: string): { registry: RegistryRef; image?: ImageRef } {
  try {
    return parseRegistryRef(reference);
  } catch {
    return { registry: { kind: 'external', host: imageHostOf(reference) } };
  }
}

export interface ClusterTriageOptions {
  filter?: PodFilter;
  signal?: AbortSignal;
  podDeadlineMs?: number;
  subscriptionId?: string;
  onProgress?: (message: string) => void;
}

export async function triageCluster(engine: TriageEngine, cluster: ClusterRef, options: ClusterTriageOptions = {}): Promise<ClusterTriage> {
  const filter = options.filter ?? {};
  const pods: ClusterPods = await engine.readClusterPods(cluster, {
    signal: options.signal,
    podDeadlineMs: options.podDeadlineMs,
    subscriptionId: options.subscriptionId,
    onProgress: options.onProgress,
  });
  const base = { cluster: pods.cluster, kube: pods.kube, filter };
  if (pods.cluster.state !== 'ok' || pods.kube.state !== 'ok') {
    return { ...base, registries: [], verdict: 'incomplete', podsRead: 0, requestCount: pods.requestCount };
  }
  const found = pods.cluster.value;
  // The cluster is known now: triage each registry against its id, so nothing looks it up by name again.
  const clusterId: ClusterRef = { kind: 'id', subscriptionId: found.subscriptionId, resourceGroup: found.resourceGroup, name: found.name };
  const groups = failingRegistries(pods.kube.value, filter);
  const results = await Promise.all(
    groups.map(async (group) => {
      options.onProgress?.(`checking ${group.key} (${group.failing.length} failing container${group.failing.length === 1 ? '' : 's'})…`);
      const result = await engine.triage(
        {
          cluster: clusterId,
          registry: group.registry,
          ...(group.image ? { image: group.image } : {}),
          ...(options.subscriptionId ? { subscriptionId: options.subscriptionId } : {}),
        },
        { signal: options.signal, kube: pods.kube },
      );
      return { group, result };
    }),
  );
  const order: Record<Verdict, number> = { problems: 0, incomplete: 1, healthy: 2 };
  results.sort((a, b) => order[a.result.report.verdict] - order[b.result.report.verdict]);
  return {
    ...base,
    registries: results,
    verdict: clusterVerdict(results),
    podsRead: podsMatching(pods.kube.value, filter).length,
    requestCount: pods.requestCount + results.reduce((n, r) => n + r.result.requestCount, 0),
  };
}

function clusterVerdict(results: readonly RegistryTriage[]): ClusterVerdict {
  if (results.length === 0) return 'no-failing-pods';
  if (results.some((r) => r.result.report.verdict === 'problems')) return 'problems';
  if (results.some((r) => r.result.report.verdict === 'incomplete')) return 'incomplete';
  return 'healthy';
}

/** One line for people: what was read and what was found ("no pod is failing to pull", or which registries fail). */
export function clusterSummary(t: ClusterTriage): string {
  const name = t.cluster.state === 'ok' ? t.cluster.value.name : undefined;
  if (t.cluster.state !== 'ok') return `The cluster could not be identified: ${reasonOf(t.cluster)}`;
  if (t.kube.state !== 'ok') return `The pods of ${name} could not be read, so which registries fail is not known: ${reasonOf(t.kube)}`;
  const scope = t.filter.pod
    ? `pod ${t.filter.namespace ? `${t.filter.namespace}/` : ''}${t.filter.pod}`
    : t.filter.namespace
      ? `namespace ${t.filter.namespace}`
      : 'all namespaces';
  const kube = t.kube.value;
  // Pod evidence lists only pods waiting on a pull; podCount says how many the whole cluster holds.
  const whole = !t.filter.namespace && !t.filter.pod && kube.podCount !== undefined;
  const pods = whole ? `${kube.podCount} pod${kube.podCount === 1 ? '' : 's'}` : `${t.podsRead} pod${t.podsRead === 1 ? '' : 's'} waiting on a pull`;
  const events =
    kube.events.state === 'ok'
      ? `${kube.events.value.length} event${kube.events.value.length === 1 ? '' : 's'}`
      : `no events (${reasonOf(kube.events)})`;
  const read = `${pods} and ${events} read on ${name} (${scope}, through ${kube.via})`;
  if (t.registries.length === 0) return `No pod is failing to pull: ${read}.`;
  const parts = t.registries.map(
    (r) => `${r.group.key} (${r.group.failing.length} container${r.group.failing.length === 1 ? '' : 's'}, ${r.result.report.verdict})`,
  );
  return `Failing to pull from ${parts.join(', ')}: ${read}.`;
}

function reasonOf(read: Read<unknown>): string {
  if (read.state === 'failed') return `${read.failure.message}${read.failure.needs ? ` (needs ${read.failure.needs})` : ''}`;
  if (read.state === 'skipped') return read.reason;
  return '';
}
