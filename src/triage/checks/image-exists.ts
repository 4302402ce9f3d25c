/**
 * image.exists: does the repository and tag exist? Read from the registry with the bot's own identity, so a
 * failure to read says nothing about the image (the bot may lack a pull role or network reach): `unknown`,
 * never "exists". A `not found` from containerd is direct evidence; a 401 may hide a missing repository.
 */
import { failingPullsOf, podView, pullMessagesOf, registryHostsOf, shortenPullMessage, splitReference } from '../failing-pods';
import type { Check, Outcome } from '../report';

export const imageExists: Check = {
  id: 'image.exists',
  title: 'Image exists in the registry',
  run(evidence): Outcome {
    if (evidence.target.registry.kind === 'external') {
      return {
        status: 'skip',
        evidence: `${evidence.target.registry.host} is not an Azure Container Registry; the bot cannot read its repositories.`,
      };
    }
    const registry = registryHostsOf(evidence);
    const acrName = evidence.registry.state === 'ok' ? evidence.registry.value.name : (registry.label ?? registry.display);
    const showTags = (repository: string): string =>
      `az acr repository show-tags -n ${acrName} --repository ${repository} --orderby time_desc -o table`;
    const image = evidence.image;
    if (image.state === 'ok' && !image.value.exists) {
      const ref = splitReference(image.value.reference);
      const tags =
        image.value.knownTags && image.value.knownTags.length > 0
          ? ` (repository ${ref.repository} has tags ${image.value.knownTags.join(', ')})`
          : '';
      return {
        status: 'fail',
        evidence: `${image.value.reference} — ${ref.tag || ref.digest ? 'tag not found' : 'not found'}${tags}.`,
        remediation: `Fix the tag or repository in the pod spec, or push/import the image into ${acrName}.`,
        command: showTags(ref.repository),
      };
    }
    const view = podView(evidence);
    const notFound = view.seen ? pullMessagesOf(view.kube, registry).find((m) => m.classification.class === 'not-found') : undefined;
    if (notFound) {
      const ref = notFound.image ? splitReference(notFound.image) : undefined;
      return {
        status: 'fail',
        evidence: `Pod ${notFound.pod} in ns ${notFound.namespace}: ${notFound.image ?? 'the image'} was not found — "${shortenPullMessage(notFound.text)}".`,
        remediation: `Fix the tag or repository in the pod spec, or push/import the image into ${acrName}.`,
        command: ref ? showTags(ref.repository) : undefined,
      };
    }
    if (image.state === 'ok') {
      return { status: 'pass', evidence: `${image.value.reference} exists (read from ${registry.display} with the bot's identity).` };
    }
    if (image.state === 'failed') {
      return {
        status: 'unknown',
        evidence: `Whether the image exists is unknown: the bot could not read it from ${registry.display} (${image.failure.message}). This says nothing about the nodes' access.`,
        remediation: `Check the tag yourself, or give the bot a pull role on ${acrName}.`,
        command: `az acr repository list -n ${acrName} -o table`,
        needs:
          image.failure.needs ??
          `AcrPull (or Container Registry Repository Reader) on ${acrName} for the bot's identity, and network reach to ${registry.display}`,
      };
    }
    // 401 from containerd also means "no such repository" (anonymous token first), so an unchecked image stays open.
    const masked = view.seen ? failingPullsOf(view.kube, registry).find((f) => f.classification.class === 'unauthorized') : undefined;
    if (masked) {
      return {
        status: 'unknown',
        evidence: `${masked.image} fails with 401, which ACR also answers for a repository that does not exist; the image was not read (${image.reason}).`,
        remediation: `Confirm ${splitReference(masked.image).repository} exists in ${acrName}.`,
        command: showTags(splitReference(masked.image).repository),
        needs: `AcrPull (or Container Registry Repository Reader) on ${acrName} for the bot's identity`,
      };
    }
    // Only "nothing to read" may skip: a named image that could not be read (registry unreadable, login server
    // not an ACR host, reference unsafe to send) is open, or the verdict could be "healthy" on an unchecked tag.
    const nothingToRead = image.cause === 'not-applicable' || image.cause === 'turned-off' || (image.cause === undefined && !evidence.target.image);
    if (!nothingToRead) {
      return {
        status: 'unknown',
        evidence: `Whether ${evidence.target.image?.raw ?? 'the image'} exists is unknown: it was not read (${image.reason}).`,
        remediation: `Check the tag yourself with the command below, or resolve what kept the bot from reading ${acrName}, then check again.`,
        command: evidence.target.image ? showTags(evidence.target.image.repository) : `az acr repository list -n ${acrName} -o table`,
        needs: `read access to ${acrName} for the bot (the registry and its data plane)`,
      };
    }
    return { status: 'skip', evidence: `${image.reason.charAt(0).toUpperCase()}${image.reason.slice(1)}.` };
  },
};
