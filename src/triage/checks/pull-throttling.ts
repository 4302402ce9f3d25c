/**
 * pull.throttling: kubelet refusing pulls itself (`pull QPS exceeded`, its registryPullQPS limit) or the
 * registry answering 429. Both are transient and self-inflicted, so a warning, not a failure.
 */
import { readList } from '../evidence';
import { listNames, podView, pullMessagesOf, registryHostsOf, shortenPullMessage } from '../failing-pods';
import type { Check, Outcome } from '../report';

const QPS = /pull QPS exceeded/i;

export const pullThrottling: Check = {
  id: 'pull.throttling',
  title: 'Pull throttling',
  run(evidence): Outcome {
    const view = podView(evidence);
    if (!view.seen) return view.outcome;
    const registry = registryHostsOf(evidence);
    const messages = pullMessagesOf(view.kube, registry);
    // kubelet's QPS limit is per node, not per registry: its events count even when they name another image
    const qps = [
      ...messages.filter((m) => m.classification.class === 'throttled'),
      ...readList(view.kube.events)
        .filter((e) => e.involvedKind === 'Pod' && QPS.test(e.message))
        .map((e) => ({ pod: e.involvedName, namespace: e.namespace, text: e.message })),
    ];
    const firstQps = qps[0];
    if (firstQps) {
      return {
        status: 'warn',
        evidence: `kubelet rejected pulls: "${shortenPullMessage(firstQps.text)}" (pods ${listNames(qps.map((m) => `${m.namespace}/${m.pod}`))}).`,
        remediation:
          'Use imagePullPolicy: IfNotPresent for tagged images, stagger rollouts, or raise kubelet registryPullQPS/registryBurst (custom node configuration).',
      };
    }
    const tooMany = messages.find((m) => m.classification.class === 'too-many-requests' || m.classification.class === 'hub-rate-limit');
    if (tooMany) {
      return {
        status: 'warn',
        evidence: `${registry.display} answered 429 to pod ${tooMany.pod} in ns ${tooMany.namespace}: "${shortenPullMessage(tooMany.text)}".`,
        remediation:
          tooMany.classification.class === 'hub-rate-limit'
            ? 'Docker Hub limits anonymous pulls per egress IP: pull with an imagePullSecret of a Docker Hub account, or import the image into your ACR (az acr import) and pull it from there.'
            : 'Reduce concurrent pulls (IfNotPresent, staggered rollouts); a higher registry SKU raises its request limits.',
      };
    }
    if (view.kube.events.state === 'failed') {
      const failure = view.kube.events.failure;
      return {
        status: 'unknown',
        evidence: `kubelet's "pull QPS exceeded" refusals are events, and the events could not be read: ${failure.message}.`,
        remediation: 'Run `kubectl get events -A --field-selector reason=Failed` and look for "pull QPS exceeded".',
        command: 'kubectl get events -A --field-selector reason=Failed',
        needs: failure.needs ?? 'Kubernetes `list events` for the bot',
      };
    }
    return {
      status: 'pass',
      evidence: `No pull throttling in the events of ${evidence.cluster.state === 'ok' ? evidence.cluster.value.name : 'the cluster'} ("pull QPS exceeded" or 429 from ${registry.display}).`,
    };
  },
};
