/**
 * registry.arm-audience: a registry that refuses ARM-audience Entra tokens (azureADAuthenticationAsArmPolicy disabled).
 * That is a hardening, not a fault: current AKS node images ask for ACR-audience tokens, so kubelet pulls keep working,
 * while `az aks check-acr` reports FAILED because its probe exchanges an ARM-audience token (Azure/AKS#4560). The check
 * explains that false negative and never advises undoing the hardening; only when pods really get 401 from the registry
 * does it suspect a node image old enough to ask for ARM tokens, and the fix is the node image.
 */
import { registryPullFailures } from '../failing-pods';
import type { Check } from '../report';
import { requireRegistry } from '../principal';

const CHECK_ACR_NOTE = 'az aks check-acr reports FAILED against it even when pulls work: its probe uses an ARM-audience token (Azure/AKS#4560).';

export const registryArmAudience: Check = {
  id: 'registry.arm-audience',
  title: 'The registry accepts ARM-audience tokens',
  run(e) {
    if (e.target.registry.kind === 'external')
      return { status: 'skip', evidence: `${e.target.registry.host} is not an Azure Container Registry; Entra token audiences do not apply.` };
    const input = requireRegistry(e);
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const status = registry.armAudienceTokens?.toLowerCase();
    if (status === 'disabled') {
      const refused = registryPullFailures(e).find((f) => f.classification.class === 'unauthorized');
      if (!refused) {
        return {
          status: 'pass',
          evidence: `Registry ${registry.name} refuses ARM-audience tokens (azureADAuthenticationAsArmPolicy = disabled), a hardening that current node images do not notice: they ask for ACR-audience tokens. ${CHECK_ACR_NOTE}`,
        };
      }
      const cluster = e.cluster.state === 'ok' ? e.cluster.value : undefined;
      return {
        status: 'warn',
        evidence:
          `Registry ${registry.name} refuses ARM-audience tokens (azureADAuthenticationAsArmPolicy = disabled) and pod ${refused.pod} gets 401 from it: ` +
          `a node image old enough to request ARM-audience tokens would be refused (current ones request the ACR audience). ${CHECK_ACR_NOTE}`,
        remediation: `Keep the hardening: upgrade the node image so the credential provider requests ACR-audience tokens, then check again (rbac.pull-role and the other findings may explain the 401 instead).`,
        ...(cluster ? { command: `az aks upgrade -g ${cluster.resourceGroup} -n ${cluster.name} --node-image-only` } : {}),
      };
    }
    if (status === 'enabled')
      return { status: 'pass', evidence: `Registry ${registry.name} accepts ARM-audience tokens (azureADAuthenticationAsArmPolicy = enabled).` };
    return {
      status: 'pass',
      evidence: `Registry ${registry.name} did not report azureADAuthenticationAsArmPolicy; the default is enabled, so ARM-audience tokens are accepted.`,
    };
  },
};
