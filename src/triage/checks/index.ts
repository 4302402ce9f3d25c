/**
 * Every check, in the order a report shows them (target, identity, authorisation, network, pods, image).
 * One file per check; adding one means adding its file and one line here.
 */
import type { Check, CheckId } from '../report';
import { targetCluster } from './target-cluster';
import { targetRegistry } from './target-registry';
import { targetImageRef } from './target-image-ref';
import { identityKubelet } from './identity-kubelet';
import { identityKubeletOnNodes } from './identity-kubelet-on-nodes';
import { identitySpSecret } from './identity-sp-secret';
import { identityCrossTenant } from './identity-cross-tenant';
import { registryAuthMode } from './registry-auth-mode';
import { registryArmAudience } from './registry-arm-audience';
import { registryAltAuth } from './registry-alt-auth';
import { rbacPullRole } from './rbac-pull-role';
import { rbacAbacCondition } from './rbac-abac-condition';
import { rbacMisassigned } from './rbac-misassigned';
import { rbacDeny } from './rbac-deny';
import { networkPublicAccess } from './network-public-access';
import { networkIpRules } from './network-ip-rules';
import { networkPrivateEndpoint } from './network-private-endpoint';
import { networkPrivateDns } from './network-private-dns';
import { networkDataEndpoints } from './network-data-endpoints';
import { networkEgressPath } from './network-egress-path';
import { podsPullErrors } from './pods-pull-errors';
import { podsPullSecrets } from './pods-pull-secrets';
import { imageExists } from './image-exists';
import { imagePlatform } from './image-platform';
import { pullThrottling } from './pull-throttling';

export const CHECKS: readonly Check[] = [
  targetCluster,
  targetRegistry,
  targetImageRef,
  identityKubelet,
  identityKubeletOnNodes,
  identitySpSecret,
  identityCrossTenant,
  registryAuthMode,
  registryArmAudience,
  registryAltAuth,
  rbacPullRole,
  rbacAbacCondition,
  rbacMisassigned,
  rbacDeny,
  networkPublicAccess,
  networkIpRules,
  networkPrivateEndpoint,
  networkPrivateDns,
  networkDataEndpoints,
  networkEgressPath,
  podsPullErrors,
  podsPullSecrets,
  imageExists,
  imagePlatform,
  pullThrottling,
];

export const CHECKS_BY_ID: ReadonlyMap<CheckId, Check> = new Map(CHECKS.map((c) => [c.id, c]));
