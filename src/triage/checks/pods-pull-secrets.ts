/**
 * pods.pull-secrets: imagePullSecrets that are referenced but missing, and pull secrets used for an ACR
 * (they are tried alongside the kubelet identity, and stale admin or service-principal credentials in them
 * give 401). Secret contents are never read, so a stale secret is a warning, not a proof.
 */
import { readList, type KubeFacts, type PodFact, type Read } from '../evidence';
import { failingPullsOf, hostBelongsTo, imageHostOf, listNames, podView, registryHostsOf } from '../failing-pods';
import type { PullErrorClass } from '../pull-errors';
import type { Check, Outcome } from '../report';

const SECRET_NAMES_IN_EVENT = /Unable to retrieve some image pull secrets \(([^)]*)\)/i;

function createSecretCommand(name: string, namespace: string, server: string): string {
  return `kubectl create secret docker-registry ${name} -n ${namespace} --docker-server=${server} --docker-username=<username> --docker-password=<password>`;
}

/** What a registry answers a pull without credentials (a third-party refusal, Docker Hub's anonymous limit). */
const ANONYMOUS_REFUSALS: ReadonlySet<PullErrorClass> = new Set([
  'unauthorized',
  'unauthorized-external',
  'hub-rate-limit',
  'forbidden',
  'not-found',
  'unclassified',
]);

export const podsPullSecrets: Check = {
  id: 'pods.pull-secrets',
  title: 'Image pull secrets',
  run(evidence): Outcome {
    const view = podView(evidence);
    if (!view.seen) return view.outcome;
    const kube = view.kube;
    const registry = registryHostsOf(evidence);
    const pulls = (pod: PodFact): boolean => pod.containers.some((c) => hostBelongsTo(imageHostOf(c.image), registry));
    const pods = kube.pods.filter(pulls);
    const accounts = readList(kube.serviceAccounts);
    const secretsOf = (pod: PodFact): string[] => {
      const sa = accounts.find((s) => s.namespace === pod.namespace && s.name === (pod.serviceAccountName ?? 'default'));
      return [...new Set([...pod.imagePullSecrets, ...(sa?.imagePullSecrets ?? [])])];
    };
    const secrets = kube.pullSecrets;
    // Without `list secrets` a referenced secret is neither present nor missing: nothing is called missing.
    const exists = (namespace: string, name: string): boolean =>
      secrets.state !== 'ok' || secrets.value.some((s) => s.namespace === namespace && s.name === name);

    const missing = pods.flatMap((pod) =>
      secretsOf(pod)
        .filter((s) => !exists(pod.namespace, s))
        .map((secret) => ({ pod, secret })),
    );
    const podNames = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
    const eventMisses = readList(kube.events)
      .filter((e) => e.reason === 'FailedToRetrieveImagePullSecret' || SECRET_NAMES_IN_EVENT.test(e.message))
      .filter((e) => podNames.has(`${e.namespace}/${e.involvedName}`));
    const first = missing[0];
    if (first) {
      const others = missing.length > 1 ? ` (also ${listNames(missing.slice(1).map((m) => `${m.pod.namespace}/${m.pod.name} → ${m.secret}`))})` : '';
      return {
        status: 'fail',
        evidence: `Pod ${first.pod.name} references imagePullSecret "${first.secret}" which does not exist in namespace ${first.pod.namespace} as a kubernetes.io/dockerconfigjson secret${others}.`,
        remediation: registry.acr
          ? `Recreate the secret, or remove it from the pod / service account and rely on the kubelet identity with a pull role on the registry.`
          : `Create the secret with credentials for ${registry.display} in namespace ${first.pod.namespace}.`,
        command: createSecretCommand(first.secret, first.pod.namespace, registry.display),
      };
    }
    const event = eventMisses[0];
    if (event) {
      const names = SECRET_NAMES_IN_EVENT.exec(event.message)?.[1] ?? 'a referenced secret';
      return {
        status: 'fail',
        evidence: `Pod ${event.involvedName} in namespace ${event.namespace}: "Unable to retrieve some image pull secrets (${names})".`,
        remediation: 'Recreate the secret in that namespace (type kubernetes.io/dockerconfigjson), or stop referencing it.',
        command: createSecretCommand(names.split(',')[0]?.trim() || '<name>', event.namespace, registry.display),
      };
    }

    const withSecrets = pods.filter((p) => secretsOf(p).length > 0);
    const unseen = unseenPieces(kube, pods.length > 0, withSecrets.length > 0);
    if (unseen) return unseen;
    if (registry.acr) {
      if (withSecrets.length === 0) {
        return { status: 'pass', evidence: `No pod pulling from ${registry.display} uses an imagePullSecret; pulls use the kubelet identity.` };
      }
      const used = [...new Set(withSecrets.flatMap((p) => secretsOf(p).map((s) => `${p.namespace}/${s}`)))];
      const admin =
        evidence.registry.state === 'ok' && !evidence.registry.value.adminUserEnabled
          ? ` The admin user is disabled on ${evidence.registry.value.name}, so a secret holding admin credentials no longer works.`
          : '';
      return {
        status: 'warn',
        evidence: `Pods pulling from ${registry.display} use imagePullSecret ${listNames(used)} in addition to the kubelet identity; if a secret is stale (regenerated admin password, expired service principal), pulls get 401.${admin}`,
        remediation: 'Check the secret is current, or remove it and rely on the kubelet identity with a pull role on the registry.',
        command: `kubectl get secret -n ${used[0]?.split('/')[0] ?? '<ns>'} ${used[0]?.split('/')[1] ?? '<name>'} -o jsonpath='{.metadata.creationTimestamp}'`,
      };
    }
    const unauthenticated = failingPullsOf(kube, registry).filter(
      (f) => !withSecrets.some((p) => p.namespace === f.namespace && p.name === f.pod) && ANONYMOUS_REFUSALS.has(f.classification.class),
    );
    const firstFailure = unauthenticated[0];
    if (firstFailure) {
      return {
        status: 'fail',
        evidence: `Pod ${firstFailure.pod} in ns ${firstFailure.namespace} pulls ${firstFailure.image} from ${registry.display} without any imagePullSecret and is failing (${firstFailure.reason}); the kubelet identity means nothing to a non-Azure registry.`,
        remediation: `Create a docker-registry secret for ${registry.display} and reference it in the pod's (or its service account's) imagePullSecrets.`,
        command: createSecretCommand('regcred', firstFailure.namespace, registry.display),
      };
    }
    return {
      status: 'pass',
      evidence:
        withSecrets.length > 0
          ? `Pods pulling from ${registry.display} reference pull secrets that exist (${listNames(withSecrets.flatMap((p) => secretsOf(p)))}).`
          : `No pod pulling from ${registry.display} is failing for lack of credentials.`,
    };
  },
};

/**
 * The pieces this check could not see, as an `unknown`: service accounts (they may add pull secrets to any
 * pod) and, when a failing pod references pull secrets, the secrets themselves. Each names its permission.
 */
function unseenPieces(kube: KubeFacts, anyPod: boolean, anySecret: boolean): Outcome | undefined {
  if (!anyPod) return undefined;
  const pieces: [string, Read<unknown>][] = [['service accounts', kube.serviceAccounts]];
  if (anySecret) pieces.push(['pull secrets', kube.pullSecrets]);
  const missing = pieces.flatMap(([what, read]) => (read.state === 'failed' ? [{ what, failure: read.failure }] : []));
  if (missing.length === 0) return undefined;
  return {
    status: 'unknown',
    evidence: `The failing pods' pull secrets could not be checked: ${missing.map((m) => `${m.what} — ${m.failure.message}`).join('; ')}.`,
    remediation:
      'Give the bot the Kubernetes permissions named below and check again, or look yourself: `kubectl get pod <pod> -o jsonpath={.spec.imagePullSecrets}` and `kubectl get secret -n <ns>`.',
    needs: missing.map((m) => m.failure.needs ?? m.what).join('; '),
  };
}
