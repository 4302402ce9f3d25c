/**
 * registry.arm-audience: a registry that refuses ARM-audience Entra tokens (azureADAuthenticationAsArmPolicy disabled).
 * Kubelet's credential provider and canipull exchange ARM-audience tokens; exact node behaviour by version is unverified
 * (Azure/AKS#4560), so this is at most a warn.
 */
import type { Check } from '../report';
import { requireRegistry } from '../principal';

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
    if (status === 'disabled')
      return {
        status: 'warn',
        evidence:
          `Registry ${registry.name} disables ARM-audience tokens (azureADAuthenticationAsArmPolicy = disabled). az aks check-acr reports FAILED against it, ` +
          'and node pulls also fail unless the node credential provider requests the ACR audience (https://containerregistry.azure.net/.default); which node images do is not verified.',
        remediation: `Re-enable ARM-audience tokens on ${registry.name}, or confirm that the cluster's node image requests ACR-audience tokens.`,
        command: `az acr config authentication-as-arm update --registry ${registry.name} --status enabled`,
      };
    if (status === 'enabled') return { status: 'pass', evidence: `Registry ${registry.name} accepts ARM-audience tokens (azureADAuthenticationAsArmPolicy = enabled).` };
    return {
      status: 'pass',
      evidence: `Registry ${registry.name} did not report azureADAuthenticationAsArmPolicy; the default is enabled, so ARM-audience tokens are accepted.`,
    };
  },
};
