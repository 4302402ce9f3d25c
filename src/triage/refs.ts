/**
 * What a person can name: a cluster, a registry, an image. These are the validated shapes that
 * target.ts produces from free text; nothing downstream sees an unvalidated string.
 */

/** A cluster named precisely (ARM id / portal URL) or loosely (bare name, optionally `rg/name`). */
export type ClusterRef =
  { kind: 'id'; subscriptionId: string; resourceGroup: string; name: string } | { kind: 'name'; name: string; resourceGroup?: string };

/** Cloud suffixes whose registries are Azure Container Registries. */
export type AcrSuffix = 'azurecr.io' | 'azurecr.cn' | 'azurecr.us' | 'azurecr.de';

export type RegistryRef =
  /** ARM resource id of a Microsoft.ContainerRegistry/registries resource. */
  | { kind: 'acr-id'; subscriptionId: string; resourceGroup: string; name: string }
  /** A bare registry name, e.g. `myacr`. */
  | { kind: 'acr-name'; name: string }
  /**
   * An ACR host. `loginServer` is the normalised login server to look up (lowercase). For data-endpoint
   * (`myacr.westeurope.data.azurecr.io`) and geo (`myacr.westeurope.geo.azurecr.io`) hosts, `host` keeps
   * what was written and `loginServer` is the derived `myacr.azurecr.io`. `nameHint` is the first label
   * (not always the registry name: domain-name-label-scoped registries look like `myacr-a1b2c3d4e5f6`).
   */
  | { kind: 'acr-host'; host: string; loginServer: string; nameHint: string; suffix: AcrSuffix }
  /** Any other registry (docker.io, ghcr.io, quay.io, a private host): pull secrets, not kubelet identity. */
  | { kind: 'external'; host: string };

/** An image reference as containerd would read it. */
export interface ImageRef {
  /** The reference as written (trimmed). */
  raw: string;
  /** Registry host, lowercase (`docker.io` when the reference has none). */
  host: string;
  /** Repository path without host, e.g. `team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface Target {
  cluster: ClusterRef;
  registry: RegistryRef;
  /** Present when the registry was named through an image reference. */
  image?: ImageRef;
  /** Subscription to prefer for bare names (from --subscription / AZURE_SUBSCRIPTION_ID). */
  subscriptionId?: string;
}

/** Thrown for any ref that is not acceptable; `part` names what was wrong for the person who typed it. */
export class TargetError extends Error {
  readonly code = 'InvalidTarget';
  constructor(
    message: string,
    readonly part: 'cluster' | 'registry' | 'image' | 'subscription',
  ) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The cluster and registry as the person wrote them (each validated): what "check again" repeats. */
export interface TargetRefs {
  cluster: string;
  registry: string;
}
