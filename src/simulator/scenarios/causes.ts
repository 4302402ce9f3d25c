/**
 * The cause inventory of Microsoft Learn (docs/domain.md#cause-inventory; plus checks with no Learn row: deny assignments,
 * a missing kubelet identity, a stopped cluster) mapped to the scenarios that reproduce each cause. The
 * library's own test holds every family to at least one scenario in which one of its checks does not pass.
 */
import type { CheckId } from '../../triage/report';

export interface CauseFamily {
  /** The Learn article's cause or solution, in short. */
  cause: string;
  /** The checks that explain it. */
  checks: CheckId[];
  scenarios: string[];
}

export const CAUSE_FAMILIES: readonly CauseFamily[] = [
  {
    cause: 'Cause 1 / Sol 1: 401, no pull role (AcrPull, or Repository Reader on ABAC registries)',
    checks: ['registry.auth-mode', 'rbac.pull-role', 'rbac.abac-condition'],
    scenarios: ['aks-missing-role', 'aks-abac-acrpull', 'aks-abac-condition'],
  },
  { cause: 'Sol 2: service-principal secret expired', checks: ['identity.sp-secret'], scenarios: ['aks-sp-expired'] },
  {
    cause: 'Sol 3: AcrPull assigned to the wrong or an old principal',
    checks: ['rbac.misassigned'],
    scenarios: ['aks-wrong-principal', 'aks-old-kubelet'],
  },
  { cause: 'Sol 4: kubelet identity removed from the VMSS', checks: ['identity.kubelet-on-nodes'], scenarios: ['aks-vmss-detached'] },
  { cause: 'Sol 5/6: pull secret invalid or missing', checks: ['pods.pull-secrets'], scenarios: ['aks-pullsecret-missing'] },
  { cause: 'Cause 1 variant / Cause 5: no match for platform in manifest', checks: ['image.platform'], scenarios: ['aks-arm64-image'] },
  {
    cause: 'Cause 2: 404, wrong image name, tag or registry host',
    checks: ['target.image-ref', 'image.exists'],
    scenarios: ['aks-image-typo', 'aks-tag-missing'],
  },
  {
    cause: 'Cause 3: 403, DNS zone not linked / egress IP not allowed / public access disabled',
    checks: ['network.private-dns', 'network.ip-rules', 'network.public-access'],
    scenarios: ['aks-dns-unlinked', 'aks-firewall', 'aks-public-disabled'],
  },
  {
    cause: 'Cause 4: i/o timeout, private endpoint unreachable (not approved, peering down)',
    checks: ['network.private-endpoint', 'network.egress-path'],
    scenarios: ['aks-pe-unapproved', 'aks-peering-broken'],
  },
  { cause: 'Cause 6: pull QPS exceeded', checks: ['pull.throttling'], scenarios: ['aks-pull-qps'] },
  {
    cause: 'Cause 7 / Other: TLS handshake timeout, firewall or NVA on the egress path',
    checks: ['network.egress-path'],
    scenarios: ['aks-udr-egress'],
  },
  { cause: 'ACR access doc: data endpoint / blob host blocked', checks: ['network.data-endpoints'], scenarios: ['aks-data-endpoint-blocked'] },
  { cause: 'ACR auth-as-ARM: ARM-audience tokens disabled', checks: ['registry.arm-audience'], scenarios: ['aks-arm-audience-off'] },
  { cause: 'Cross-tenant registry', checks: ['identity.cross-tenant'], scenarios: ['aks-cross-tenant'] },
  {
    cause: 'Third-party registry without imagePullSecrets',
    checks: ['target.image-ref', 'pods.pull-secrets', 'pods.pull-errors'],
    scenarios: ['aks-ghcr-no-secret'],
  },
  { cause: 'Deny assignment blocks a granted pull', checks: ['rbac.deny'], scenarios: ['aks-deny-assignment'] },
  { cause: 'MSI cluster without a kubelet identity', checks: ['identity.kubelet'], scenarios: ['aks-no-kubelet-identity'] },
  { cause: 'Cluster stopped', checks: ['target.cluster'], scenarios: ['aks-stopped'] },
];
