/**
 * Evidence family "image": the image the user named, or the first image a failing pod cannot pull from this
 * registry, read from the registry's data plane with the bot's identity.
 */
import { skipped, type ImageFact, type KubeFacts, type Read, type RegistryFacts } from '../triage/evidence';
import type { ImageRef } from '../triage/refs';
import { failingPullsOf, hostsOfRegistry, servedBy } from '../triage/failing-pods';
import { parseImageRef } from '../triage/image-ref';
import type { AzureClients } from './clients';
import { readImage, type RegistryTokens } from './data-plane';
import type { Spec } from './gather-shared';

/** The bot reads an image only where the registry answers as named (login server or a data endpoint). */
export function imageRead(
  clients: AzureClients,
  registry: RegistryFacts,
  image: ImageRef,
  spec: Spec & { tokens: RegistryTokens },
): Promise<Read<ImageFact>> {
  if (!servedBy(image.host, hostsOfRegistry(registry))) {
    return Promise.resolve(skipped(`the image is on ${image.host}, not on ${registry.loginServer}`, 'not-applicable'));
  }
  return readImage(clients, registry.loginServer, image, {
    ...spec,
    tenantId: registry.tenantId,
    armAudienceDisabled: registry.armAudienceTokens === 'disabled',
  });
}

/** The first image a pod is failing to pull from this registry, where the bot can read it, as an ImageRef. */
export function failingImageOf(kube: KubeFacts, registry: RegistryFacts | undefined): ImageRef | undefined {
  if (!registry) return undefined;
  const hosts = hostsOfRegistry(registry);
  for (const failure of failingPullsOf(kube, hosts)) {
    const ref = servedBy(failure.host, hosts) ? simpleImageRef(failure.image) : undefined;
    if (ref) return ref;
  }
  return undefined;
}

function simpleImageRef(raw: string): ImageRef | undefined {
  try {
    return parseImageRef(raw);
  } catch {
    return undefined;
  }
}
