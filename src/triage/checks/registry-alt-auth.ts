/**
 * registry.alt-auth: other ways in that explain surprising results — anonymous pull (a 401 then means a wrong
 * name or repository, not a missing role) and the admin user (pull secrets built from its credentials go stale).
 */
import type { Check } from '../report';
import type { Evidence } from '../evidence';
import { registryPullFailures } from '../failing-pods';
import { requireRegistry } from '../principal';

/** Containers failing to pull from this registry whose message carries a 401. */
function unauthorisedPulls(e: Evidence): string[] {
  return registryPullFailures(e)
    .filter((f) => /\b401\b|unauthorized/i.test(f.message))
    .map((f) => `${f.namespace}/${f.pod} (${f.image})`);
}

export const registryAltAuth: Check = {
  id: 'registry.alt-auth',
  title: 'Anonymous pull and admin user',
  run(e) {
    if (e.target.registry.kind === 'external') return { status: 'skip', evidence: `${e.target.registry.host} is not an Azure Container Registry.` };
    const input = requireRegistry(e);
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const admin = registry.adminUserEnabled
      ? ` The admin user is enabled: pull secrets built from its credentials stop working (401) when its passwords are regenerated.`
      : '';
    if (registry.anonymousPullEnabled) {
      const refused = unauthorisedPulls(e);
      if (refused.length > 0)
        return {
          status: 'warn',
          evidence: `Anonymous pull is enabled on ${registry.name}, yet ${refused.join(', ')} got 401 Unauthorized: with anonymous pull a 401 points at a wrong registry name or a repository that does not exist, not at a missing role.${admin}`,
          remediation:
            'Check the image reference (registry host, repository, tag) against what the registry holds (see image.exists and target.image-ref).',
          command: `az acr repository list --name ${registry.name} --output table`,
        };
      return {
        status: 'pass',
        evidence: `Anonymous pull is enabled on ${registry.name}: any client can pull — a 401 here means a wrong name or repository.${admin}`,
      };
    }
    return {
      status: 'pass',
      evidence: `Anonymous pull is disabled on ${registry.name}: nodes must authenticate with their identity (or a pull secret).${admin || ' The admin user is disabled.'}`,
    };
  },
};
