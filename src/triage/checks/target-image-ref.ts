/**
 * target.image-ref: the image reference itself is wrong — a mistyped ACR suffix (`azureacr.io`), the
 * privatelink name, uppercase in the repository, no tag, a host that is not this registry's, or a geo /
 * regional endpoint host (`<registry>.<region>.geo.azurecr.io`) that kubelet's credential provider does not
 * match (likely, not certain: a node with its own credential configuration could still match it). Those pulls
 * can never succeed whatever the identity or network, and the 401/`no such host` they produce misleads.
 */
import { acrSuffixOf, isAcrHost } from '../acr-hosts';
import type { Evidence } from '../evidence';
import { hostBelongsTo, imageHostOf, podView, registryHostsOf, registryPullFailures, servedBy, type RegistryHosts } from '../failing-pods';
import type { Check, Outcome, Status } from '../report';

const LOOKS_LIKE_ACR = /azur|acr/i;

interface Reference {
  /** "Pod api-7d9 (ns shop)" or "The image you named". */
  who: string;
  raw: string;
}

interface Problem {
  status: Extract<Status, 'fail' | 'warn'>;
  text: string;
  fix?: string;
}

function problemsOf(ref: Reference, registry: RegistryHosts, loginServer: string | undefined): Problem[] {
  const host = imageHostOf(ref.raw);
  const path = ref.raw.trim().slice(ref.raw.trim().indexOf('/') + 1);
  const [nameAndTag, digest] = path.split('@');
  const lastColon = (nameAndTag ?? '').lastIndexOf(':');
  const hasTag = lastColon > (nameAndTag ?? '').lastIndexOf('/');
  const repository = hasTag ? (nameAndTag ?? '').slice(0, lastColon) : (nameAndTag ?? '');
  const corrected = loginServer
    ? `${loginServer}/${path.toLowerCase() === path ? path : repository.toLowerCase() + path.slice(repository.length)}`
    : undefined;
  const suffix = acrSuffixOf(loginServer ?? registry.display) ?? 'azurecr.io';
  const out: Problem[] = [];
  if (/\.privatelink\.azurecr\./.test(host)) {
    out.push({
      status: 'fail',
      text: `"${host}" is the private link name; TLS certificates are for *.${suffix}, so pulls fail with x509`,
      fix: corrected,
    });
  } else if (!isAcrHost(host) && (LOOKS_LIKE_ACR.test(host.split('.').slice(1).join('.')) || hostBelongsTo(host, registry))) {
    out.push({ status: 'fail', text: `"${host.split('.').slice(1).join('.')}" is not an ACR domain (expected *.${suffix})`, fix: corrected });
  } else if (isAcrHost(host) && host.slice(0, -(acrSuffixOf(host)!.length + 1)).includes('.')) {
    // AKS's kubelet credential provider matches *.azurecr.io, and `*` stands for one DNS label only.
    out.push({
      status: 'warn',
      text: `${host} has more than one label before .${acrSuffixOf(host)}; the kubelet credential provider's *.${acrSuffixOf(host)} pattern matches one label, so the node likely sends no credential there and the pull is anonymous (401)`,
      fix: corrected,
    });
  } else if (loginServer && isAcrHost(host) && !servedBy(host, registry)) {
    out.push({ status: 'warn', text: `its host ${host} is not ${loginServer}, the registry being checked`, fix: corrected });
  }
  if (repository !== repository.toLowerCase()) {
    out.push({
      status: 'fail',
      text: `repository "${repository}" has uppercase letters, which image references do not allow (InvalidImageName)`,
      fix: corrected,
    });
  }
  if (!hasTag && !digest) {
    out.push({ status: 'warn', text: 'it has no tag, so containerd pulls ":latest"' });
  }
  return out;
}

function referencesOf(evidence: Evidence): Reference[] {
  const refs: Reference[] = [];
  if (evidence.target.image) refs.push({ who: 'The image you named', raw: evidence.target.image.raw });
  for (const f of registryPullFailures(evidence)) refs.push({ who: `Pod ${f.pod} (ns ${f.namespace})`, raw: f.image });
  return refs.filter((r, i, all) => all.findIndex((o) => o.raw === r.raw) === i);
}

export const targetImageRef: Check = {
  id: 'target.image-ref',
  title: 'Image reference',
  run(evidence): Outcome {
    const target = evidence.target.registry;
    if (target.kind === 'external') {
      const suffix = target.host.split('.').slice(1).join('.');
      if (LOOKS_LIKE_ACR.test(suffix)) {
        // "myacr.azureacr.io" parses as some other registry, but it was meant for an ACR: say so, don't skip
        return {
          status: 'fail',
          evidence: `"${target.host}" is not an ACR domain (expected *.azurecr.io): nothing answers there, so pulls fail with "no such host" or 401.`,
          remediation: `Use the registry's login server, e.g. "${target.host.split('.')[0]}.azurecr.io", in the image reference and run the check again with it.`,
        };
      }
      return {
        status: 'skip',
        evidence: `${target.host} is not an Azure Container Registry: the kubelet identity and the ACR checks do not apply; nodes need an imagePullSecret for it.`,
        remediation: `Create a docker-registry secret for ${target.host} and reference it in the pod's (or its service account's) imagePullSecrets.`,
        command: `kubectl create secret docker-registry regcred -n <namespace> --docker-server=${target.host} --docker-username=<username> --docker-password=<password>`,
      };
    }
    const registry = registryHostsOf(evidence);
    const loginServer =
      evidence.registry.state === 'ok'
        ? evidence.registry.value.loginServer.toLowerCase()
        : target.kind === 'acr-host'
          ? target.loginServer
          : undefined;
    const refs = referencesOf(evidence);
    if (refs.length === 0) {
      const view = podView(evidence);
      if (!view.seen) {
        return { ...view.outcome, evidence: `No image was named and the pod specs could not be checked. ${view.outcome.evidence}` };
      }
      return { status: 'pass', evidence: `No image was named and no pod is failing to pull from ${registry.display}; no reference to check.` };
    }
    const findings = refs.flatMap((ref) => problemsOf(ref, registry, loginServer).map((p) => ({ ref, ...p })));
    const worst = findings.find((f) => f.status === 'fail') ?? findings.find((f) => f.status === 'warn');
    if (!worst) {
      return {
        status: 'pass',
        evidence: `${refs.length} image reference${refs.length === 1 ? '' : 's'} checked (${refs.map((r) => r.raw).join(', ')}): all name ${registry.display} correctly.`,
      };
    }
    const others = findings.length > 1 ? ` (${findings.length - 1} more problem${findings.length > 2 ? 's' : ''} in other references)` : '';
    return {
      status: worst.status,
      evidence: `${worst.ref.who} uses "${worst.ref.raw}" — ${worst.text}${others}.`,
      remediation: worst.fix ? `Fix the image reference, e.g. "${worst.fix}", and redeploy.` : 'Pin the image to an explicit tag or digest.',
    };
  },
};
