/**
 * The pods and pod events that concern *this* registry. Pod and image checks all ask the same questions —
 * could pods be seen at all, which pods are failing to pull from this registry, what did kubelet say — so the
 * answers live here once. A cluster pulls from many registries; a docker.io failure must not be blamed on ACR.
 */
import { readList, type Evidence, type KubeFacts, type RegistryFacts } from './evidence';
import type { Outcome } from './report';
import { classifyPullError, type PullErrorClassification } from './pull-errors';

/** Container waiting reasons that mean "the image could not be pulled" (kubelet images/types.go). */
export const PULL_WAITING_REASONS: ReadonlySet<string> = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'RegistryUnavailable',
  'ImageInspectError',
]);

/** Waiting reasons kubelet gives before it asks the registry anything: the reference or the pull policy is the problem. */
const NO_REQUEST_REASONS: ReadonlySet<string> = new Set(['InvalidImageName', 'ErrImageNeverPull']);

/** Waiting reasons of a pod that a retry can fix once the cause is gone (the ones `kubectl delete pod` is advised for). */
const BACKOFF_REASONS: ReadonlySet<string> = new Set(['ErrImagePull', 'ImagePullBackOff']);

/** The command an engineer can run when the bot cannot read the cluster itself (docs/domain.md#reading-pods). */
export const SELF_SERVICE_COMMAND = 'kubectl get events -A --field-selector reason=Failed';

const RUN_COMMAND_NEEDS =
  'Microsoft.ContainerService/managedClusters/runcommand/action and managedClusters/commandResults/read on the cluster (e.g. Azure Kubernetes Service Contributor), plus Kubernetes read access (AKS RBAC Reader)';

/** What "this registry" looks like in an image reference. */
export interface RegistryHosts {
  /** For people: the login server, or what the user named. */
  display: string;
  /** Exact hosts, lowercase: login server and data endpoints (or the external host and its aliases). */
  hosts: string[];
  /**
   * First label of the login server, for ACR only. Data (`myacr.westeurope.data.azurecr.io`), geo and
   * privatelink hosts share it, and so does a mistyped suffix (`myacr.azureacr.io`): those pulls were meant
   * for this registry even though they cannot reach it.
   */
  label?: string;
  acr: boolean;
}

const DOCKER_HUB_ALIASES = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];

export function registryHostsOf(evidence: Evidence): RegistryHosts {
  const ref = evidence.target.registry;
  if (ref.kind === 'external') {
    const host = ref.host.toLowerCase();
    return { display: host, hosts: DOCKER_HUB_ALIASES.includes(host) ? DOCKER_HUB_ALIASES : [host], acr: false };
  }
  if (evidence.registry.state === 'ok') return hostsOfRegistry(evidence.registry.value);
  if (ref.kind === 'acr-host')
    return { display: ref.loginServer, hosts: [ref.loginServer, ref.host.toLowerCase()], label: ref.nameHint.toLowerCase(), acr: true };
  const name = ref.name.toLowerCase();
  return { display: name, hosts: [], label: name, acr: true };
}

/** The hosts of a registry that was read (adapters use it before there is an Evidence). */
export function hostsOfRegistry(registry: RegistryFacts): RegistryHosts {
  const loginServer = registry.loginServer.toLowerCase();
  return {
    display: loginServer,
    hosts: [loginServer, ...registry.dataEndpointHostNames.map((h) => h.toLowerCase())],
    label: firstLabel(loginServer),
    acr: true,
  };
}

function firstLabel(host: string): string {
  return host.split('.')[0] ?? host;
}

/** The registry host containerd would contact for an image reference (lowercase; docker.io when none is written). */
export function imageHostOf(image: string): string {
  const first = image.trim().split('/')[0] ?? '';
  const hasHost = image.includes('/') && (first.includes('.') || first.includes(':') || first.toLowerCase() === 'localhost');
  return hasHost ? first.toLowerCase() : 'docker.io';
}

/** True when a pull from `host` was meant for this registry: one of its hosts, or a geo, privatelink or mistyped form of its name. */
export function hostBelongsTo(host: string, registry: RegistryHosts): boolean {
  return servedBy(host, registry) || (registry.label !== undefined && host.includes('.') && firstLabel(host.toLowerCase()) === registry.label);
}

/** True when the registry itself answers on `host` (login server or a data endpoint): a read sent there reaches it as named. */
export function servedBy(host: string, registry: RegistryHosts): boolean {
  return registry.hosts.includes(host.toLowerCase());
}

/** Host, repository and tag or digest of an image reference (`host/repo:tag`, `host/repo@sha256:…`; docker.io when no host is written). */
export function splitReference(reference: string): { host: string; repository: string; tag?: string; digest?: string } {
  const host = imageHostOf(reference);
  const rest = reference.includes('/') && reference.toLowerCase().startsWith(host + '/') ? reference.slice(host.length + 1) : reference;
  const [nameAndTag, digest] = rest.split('@');
  const slash = (nameAndTag ?? '').lastIndexOf('/');
  const colon = (nameAndTag ?? '').lastIndexOf(':');
  const hasTag = colon > slash;
  return {
    host,
    repository: hasTag ? (nameAndTag ?? '').slice(0, colon) : (nameAndTag ?? ''),
    tag: hasTag ? (nameAndTag ?? '').slice(colon + 1) : undefined,
    digest,
  };
}

// ---------------------------------------------------------------------------------------------
// Could pods be seen?

export type PodView = { seen: true; kube: KubeFacts } | { seen: false; outcome: Outcome };

function clusterName(evidence: Evidence): string {
  return evidence.cluster.state === 'ok' ? evidence.cluster.value.name : evidence.target.cluster.name;
}

/**
 * Pod evidence, or the outcome a pod check must give without it. Only a deliberate skip (turned off, or not
 * applicable) is a `skip`; pods still pending, an input missing, a skip that gives no cause, and run command
 * being disabled, refused or failing all leave the cause unseen, which is `unknown`.
 */
export function podView(evidence: Evidence): PodView {
  const kube = evidence.kube;
  if (kube.state === 'ok') return { seen: true, kube: kube.value };
  const cluster = clusterName(evidence);
  const selfService = `Run \`${SELF_SERVICE_COMMAND}\` (and \`kubectl get pods -A\`) yourself and paste the output.`;
  if (kube.state === 'failed') {
    return {
      seen: false,
      outcome: {
        status: 'unknown',
        evidence: `Pods and events on ${cluster} could not be read: ${kube.failure.message}`,
        remediation: selfService,
        command: SELF_SERVICE_COMMAND,
        needs: kube.failure.needs ?? RUN_COMMAND_NEEDS,
      },
    };
  }
  const runCommandDisabled = evidence.cluster.state === 'ok' && evidence.cluster.value.apiServer.disableRunCommand;
  const deliberate = kube.cause === 'turned-off' || kube.cause === 'not-applicable';
  if (runCommandDisabled || evidence.cluster.state !== 'ok' || !deliberate) {
    const why = runCommandDisabled
      ? `run command is disabled on ${cluster} (apiServerAccessProfile.disableRunCommand), so the bot cannot read pods and events`
      : `pods and events on ${cluster} were not read: ${kube.reason}`;
    return {
      seen: false,
      outcome: {
        status: 'unknown',
        evidence: capitalise(why) + '.',
        remediation: selfService,
        command: SELF_SERVICE_COMMAND,
        needs: runCommandDisabled ? `run command enabled on ${cluster}, or the output of \`${SELF_SERVICE_COMMAND}\`` : RUN_COMMAND_NEEDS,
      },
    };
  }
  return { seen: false, outcome: { status: 'skip', evidence: capitalise(kube.reason) } };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Who is failing, and what kubelet said

export interface PullFailure {
  namespace: string;
  pod: string;
  nodeName?: string;
  container: string;
  image: string;
  host: string;
  /** The container's waiting reason: ErrImagePull, ImagePullBackOff, InvalidImageName, … */
  reason: string;
  /** The most telling text kubelet gave for it (waiting message or a pod event). */
  message: string;
  classification: PullErrorClassification;
}

export interface PullMessage {
  namespace: string;
  pod: string;
  /** Event reason (Failed, BackOff, …) or the container's waiting reason. */
  reason: string;
  image?: string;
  text: string;
  classification: PullErrorClassification;
}

const IMAGE_IN_TEXT = /image "([^"]+)"/i;

function imageInText(text: string): string | undefined {
  return IMAGE_IN_TEXT.exec(text)?.[1];
}

function podKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/**
 * Every pod-event and waiting message about pulls from this registry. An event counts when the image it
 * names belongs to the registry, or — when it names none — when its pod runs an image of the registry.
 */
export function pullMessagesOf(kube: KubeFacts, registry: RegistryHosts): PullMessage[] {
  const pods = new Map(kube.pods.map((p) => [podKey(p.namespace, p.name), p]));
  const out: PullMessage[] = [];
  const seen = new Set<string>();
  const push = (m: Omit<PullMessage, 'classification'>): void => {
    const key = `${m.namespace}/${m.pod}/${m.text}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...m, classification: classifyPullError(m.text) });
  };
  for (const pod of kube.pods) {
    for (const c of pod.containers) {
      if (c.waitingMessage && hostBelongsTo(imageHostOf(c.image), registry)) {
        push({ namespace: pod.namespace, pod: pod.name, reason: c.waitingReason ?? 'Waiting', image: c.image, text: c.waitingMessage });
      }
    }
  }
  for (const e of readList(kube.events)) {
    if (e.involvedKind !== 'Pod' || !e.message) continue;
    const image = imageInText(e.message);
    const pod = pods.get(podKey(e.namespace, e.involvedName));
    const belongs =
      image !== undefined
        ? hostBelongsTo(imageHostOf(image), registry)
        : pod !== undefined && pod.containers.some((c) => hostBelongsTo(imageHostOf(c.image), registry));
    if (belongs) push({ namespace: e.namespace, pod: e.involvedName, reason: e.reason, image, text: e.message });
  }
  return out;
}

/** Containers that are waiting on a pull from this registry right now, each with the best explanation found. */
export function failingPullsOf(kube: KubeFacts, registry: RegistryHosts): PullFailure[] {
  const messages = pullMessagesOf(kube, registry);
  const failures: PullFailure[] = [];
  for (const pod of kube.pods) {
    for (const c of pod.containers) {
      if (!c.waitingReason || !PULL_WAITING_REASONS.has(c.waitingReason)) continue;
      const host = imageHostOf(c.image);
      if (!hostBelongsTo(host, registry)) continue;
      const candidates = messages.filter(
        (m) => m.namespace === pod.namespace && m.pod === pod.name && (m.image === undefined || m.image === c.image),
      );
      // A bare "Back-off pulling image" says nothing; the Failed event before it carries containerd's reason.
      const best = candidates.find((m) => m.classification.class !== 'unclassified') ?? candidates[0];
      const message = best?.text ?? c.waitingMessage ?? c.waitingReason;
      failures.push({
        namespace: pod.namespace,
        pod: pod.name,
        nodeName: pod.nodeName,
        container: c.name,
        image: c.image,
        host,
        reason: c.waitingReason,
        message,
        classification: best?.classification ?? classifyPullError(message),
      });
    }
  }
  return failures;
}

/** Containers failing to pull from the registry of this triage right now; none when pods were not read. */
export function registryPullFailures(evidence: Evidence): PullFailure[] {
  return evidence.kube.state === 'ok' ? failingPullsOf(evidence.kube.value, registryHostsOf(evidence)) : [];
}

/** True when kubelet did ask the registry (so its answer — a role, a condition, the network — may be the cause). */
export function askedRegistry(failure: PullFailure): boolean {
  return !NO_REQUEST_REASONS.has(failure.reason);
}

/**
 * Pods in pull back-off on this registry: the ones to delete so kubelet retries at once after a fix (the
 * view model's after-grant advice). Each pod once, in the order pods were read.
 */
export function backoffPods(evidence: Evidence): { namespace: string; name: string }[] {
  const pods = registryPullFailures(evidence)
    .filter((f) => BACKOFF_REASONS.has(f.reason))
    .map((f) => ({ namespace: f.namespace, name: f.pod }));
  return pods.filter((p, i) => pods.findIndex((o) => o.namespace === p.namespace && o.name === p.name) === i);
}

/** The runtime error without kubelet's preamble, cut to a length a card can show. */
export function shortenPullMessage(text: string, max = 160): string {
  const cut = text
    .replace(/^.*?desc = /s, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (cut.length <= max) return cut;
  return '…' + cut.slice(cut.length - (max - 1));
}

/** "a, b and 3 more" — names enough pods to find them without flooding a card. */
export function listNames(names: readonly string[], shown = 3): string {
  const unique = [...new Set(names)];
  if (unique.length <= shown) return unique.join(', ');
  return `${unique.slice(0, shown).join(', ')} and ${unique.length - shown} more`;
}
