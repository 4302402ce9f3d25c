/**
 * image.platform: the image has no variant for the OS/architecture of the nodes it lands on
 * (`no match for platform in manifest`, `exec format error`). Node architecture comes from the nodes'
 * `kubernetes.io/arch` label when pods were read, else from the VM size (Arm64 sizes have a `p` after the
 * vCPU count: Standard_D4ps_v5, Standard_E8pds_v5).
 */
import { readList, type Evidence } from '../evidence';
import { hostBelongsTo, imageHostOf, podView, pullMessagesOf, registryHostsOf, shortenPullMessage } from '../failing-pods';
import type { Check, Outcome } from '../report';

/** True for Azure Arm64 (Ampere/Cobalt) VM sizes. */
export function isArm64VmSize(vmSize: string | undefined): boolean {
  const features = /^standard_[a-z]+\d+(?:-\d+)?([a-z]*)_/i.exec(vmSize ?? '')?.[1] ?? '';
  return features.toLowerCase().includes('p');
}

interface PoolPlatform {
  pool: string;
  os: string;
  arch: string;
}

function poolPlatforms(evidence: Evidence): PoolPlatform[] {
  if (evidence.cluster.state !== 'ok') return [];
  const nodes = evidence.kube.state === 'ok' ? readList(evidence.kube.value.nodes) : [];
  return evidence.cluster.value.agentPools.map((p) => {
    const node = nodes.find((n) => n.agentPool === p.name && n.arch);
    return {
      pool: p.name,
      os: (node?.os ?? p.osType ?? 'linux').toLowerCase(),
      arch: (node?.arch ?? (isArm64VmSize(p.vmSize) ? 'arm64' : 'amd64')).toLowerCase(),
    };
  });
}

const show = (p: { os: string; arch?: string; architecture?: string; variant?: string }): string =>
  [p.os, p.arch ?? p.architecture, p.variant].filter(Boolean).join('/');

export const imagePlatform: Check = {
  id: 'image.platform',
  title: 'Image platform matches the nodes',
  run(evidence): Outcome {
    const registry = registryHostsOf(evidence);
    const pools = poolPlatforms(evidence);
    const view = podView(evidence);
    // Nodes map pods to pools; without `list nodes` the pools' own platforms (from ARM) still decide.
    const nodes = view.seen ? readList(view.kube.nodes) : [];
    const nodeWords = (nodeName: string | undefined): string => {
      const node = nodes.find((n) => n.name === nodeName);
      return node
        ? ` on node ${node.name}${node.agentPool ? ` (pool ${node.agentPool}` : ' ('}${node.arch ? `, ${node.os ?? 'linux'}/${node.arch}` : ''})`
        : '';
    };
    const nodeSelectorFix =
      'Build a multi-arch image (docker buildx --platform linux/amd64,linux/arm64), or pin the pods with nodeSelector kubernetes.io/arch / kubernetes.io/os to nodes the image supports.';

    const mismatch = view.seen ? pullMessagesOf(view.kube, registry).find((m) => m.classification.class === 'platform') : undefined;
    if (mismatch) {
      const pod = view.seen ? view.kube.pods.find((p) => p.namespace === mismatch.namespace && p.name === mismatch.pod) : undefined;
      return {
        status: 'fail',
        evidence: `Pod ${mismatch.pod} in ns ${mismatch.namespace}${nodeWords(pod?.nodeName)}: ${mismatch.image ?? 'its image'} has no variant for the node — "${shortenPullMessage(mismatch.text)}".`,
        remediation: nodeSelectorFix,
      };
    }

    const image = evidence.image;
    if (image.state === 'skipped') return { status: 'skip', evidence: `${image.reason.charAt(0).toUpperCase()}${image.reason.slice(1)}.` };
    if (image.state === 'failed') {
      return {
        status: 'unknown',
        evidence: `The platforms of the image are unknown: the bot could not read it from ${registry.display} (${image.failure.message}).`,
        remediation: 'Check the image index yourself (`docker manifest inspect <image>`), or give the bot a pull role on the registry.',
        needs: image.failure.needs ?? "AcrPull (or Container Registry Repository Reader) on the registry for the bot's identity",
      };
    }
    const fact = image.value;
    if (!fact.exists) return { status: 'skip', evidence: `${fact.reference} does not exist (see image.exists); there is no platform to compare.` };
    if (!fact.platforms || fact.platforms.length === 0) {
      return {
        status: 'unknown',
        evidence: `${fact.reference} exists but its platforms were not read.`,
        remediation: `Run \`docker manifest inspect ${fact.reference}\` and compare with the node pools.`,
        needs: `the image manifest of ${fact.reference} (AcrPull for the bot's identity)`,
      };
    }
    if (pools.length === 0) {
      return {
        status: 'unknown',
        evidence: `${fact.reference} is ${fact.platforms.map(show).join(', ')}; the cluster's node pools could not be read to compare.`,
        remediation: 'Give the bot read access to the cluster and check again.',
        needs: 'Microsoft.ContainerService/managedClusters/read on the cluster (Reader)',
      };
    }
    const supports = (p: PoolPlatform): boolean =>
      fact.platforms?.some((f) => f.os.toLowerCase() === p.os && f.architecture.toLowerCase() === p.arch) ?? false;
    const platforms = fact.platforms.map(show).join(', ');
    const unsupported = pools.filter((p) => !supports(p));
    const ref = fact.reference.toLowerCase();
    const placed = view.seen
      ? view.kube.pods.filter((p) => p.containers.some((c) => c.image.toLowerCase() === ref && hostBelongsTo(imageHostOf(c.image), registry)))
      : [];
    const misplaced = placed.find((p) => {
      const pool = nodes.find((n) => n.name === p.nodeName)?.agentPool;
      return unsupported.some((u) => u.pool === pool);
    });
    if (misplaced || unsupported.length === pools.length) {
      const where = misplaced
        ? `pod ${misplaced.name} in ns ${misplaced.namespace} is scheduled${nodeWords(misplaced.nodeName)}`
        : `no node pool matches (${pools.map((p) => `${p.pool}: ${show(p)}`).join(', ')})`;
      return { status: 'fail', evidence: `Image ${fact.reference} is ${platforms} only; ${where}.`, remediation: nodeSelectorFix };
    }
    if (unsupported.length > 0) {
      return {
        status: 'warn',
        evidence: `Image ${fact.reference} is ${platforms} only; pods scheduled on pool ${unsupported.map((p) => `${p.pool} (${show(p)})`).join(', ')} would fail with "no match for platform in manifest".`,
        remediation: nodeSelectorFix,
      };
    }
    return {
      status: 'pass',
      evidence: `Image ${fact.reference} provides ${platforms}, which covers every node pool (${pools.map((p) => `${p.pool}: ${show(p)}`).join(', ')}).`,
    };
  },
};
