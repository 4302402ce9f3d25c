/**
 * pods.pull-errors: which pods are failing to pull from this registry right now, and what kubelet said,
 * classified (docs/domain.md#pull-error-messages) so the on-call engineer sees the likely cause next to the raw text.
 */
import { failingPullsOf, listNames, podView, registryHostsOf, shortenPullMessage, type PullFailure } from '../failing-pods';
import type { Check, CheckId, Outcome } from '../report';

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

function describeGroup(failures: PullFailure[]): string {
  const first = failures[0] as PullFailure;
  const pods = new Set(failures.map((f) => f.pod)).size;
  const reasons = [...new Set(failures.map((f) => f.reason))].join('/');
  const c = first.classification;
  return `${pods} pod${pods === 1 ? '' : 's'} in ns ${first.namespace}: ${reasons} — "${shortenPullMessage(first.message)}" (${c.class}: ${c.meaning})`;
}

export const podsPullErrors: Check = {
  id: 'pods.pull-errors',
  title: 'Pods failing to pull',
  run(evidence): Outcome {
    const view = podView(evidence);
    if (!view.seen) return view.outcome;
    const registry = registryHostsOf(evidence);
    const failures = failingPullsOf(view.kube, registry);
    if (failures.length === 0) {
      return {
        status: 'pass',
        evidence: `No pod is failing to pull from ${registry.display} now (${view.kube.podCount ?? view.kube.pods.length} pods read through ${view.kube.via === 'kubernetes-api' ? 'the Kubernetes API' : 'run command'}${view.kube.viaReason ? ` — ${view.kube.viaReason}` : ''}).`,
      };
    }
    // ErrImagePull and ImagePullBackOff are two moments of the same failure: one group per namespace and cause.
    const groups = [...groupBy(failures, (f) => `${f.namespace}\u0000${f.classification.class}`).values()];
    const checks = new Map<CheckId, number>();
    for (const f of failures) for (const id of f.classification.checks) checks.set(id, (checks.get(id) ?? 0) + 1);
    const likely = [...checks.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const byNamespace = groupBy(failures, (f) => f.namespace);
    const deleteCommands = [...byNamespace.entries()].map(
      ([ns, fs]) => `kubectl delete pod -n ${ns} ${[...new Set(fs.map((f) => f.pod))].join(' ')}`,
    );
    return {
      status: 'fail',
      evidence: `${groups.map(describeGroup).join('; ')}. Failing: ${listNames(failures.map((f) => `${f.namespace}/${f.pod}`))}.`,
      remediation:
        (likely.length > 0
          ? `Fix what ${likely.slice(0, 3).join(', ')} report${likely.length === 1 ? 's' : ''} (see those findings). `
          : 'The message does not match a known cause; read it in full with `kubectl describe pod`. ') +
        'Then delete the pods so kubelet retries at once instead of after its back-off (up to 5 minutes).',
      command: deleteCommands.join(' && '),
    };
  },
};
