/**
 * registry.auth-mode: which role family the registry honours. On an ABAC-mode registry AcrPull (what
 * `az aks update --attach-acr` assigns) is ignored — the single most surprising cause of 401 (docs/domain.md#registry-modes-and-pull-roles).
 */
import type { Check } from '../report';
import { requireRegistry } from '../principal';
import { MODE_LABELS, MODE_VALUES, registryMode } from '../roles';

export const registryAuthMode: Check = {
  id: 'registry.auth-mode',
  title: 'Which role family the registry honours',
  run(e) {
    if (e.target.registry.kind === 'external')
      return { status: 'skip', evidence: `${e.target.registry.host} is not an Azure Container Registry; Azure roles do not apply.` };
    const input = requireRegistry(e);
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const mode = registryMode(registry);
    if (!mode.known)
      return {
        status: 'warn',
        evidence: `Registry ${registry.name} reports roleAssignmentMode "${mode.value}", which this tool does not know (expected ${MODE_VALUES.legacy} or ${MODE_VALUES.abac}); which roles grant pull cannot be decided.`,
        remediation: `Look at the registry's permissions mode in the portal (Access control) or with: az acr show -n ${registry.name} --query roleAssignmentMode`,
      };
    if (mode.mode === 'abac')
      return {
        status: 'pass',
        evidence: `Registry ${registry.name} uses ${MODE_LABELS.abac} — AcrPull/AcrPush/AcrDelete are ignored; pulls need Container Registry Repository Reader (or Writer/Contributor, or Data Importer and Data Reader).`,
      };
    const note = mode.reported ? '' : ' (roleAssignmentMode was not reported, as on older api-versions; such registries behave as legacy)';
    return { status: 'pass', evidence: `Registry ${registry.name} uses ${MODE_LABELS.legacy}${note}: AcrPull grants pull.` };
  },
};
