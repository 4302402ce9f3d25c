/**
 * network.public-access: with the public endpoint closed, only a usable private endpoint lets nodes pull;
 * otherwise every pull is refused with 403 (docs/domain.md#network-path).
 */
import { requireRegistry } from '../principal';
import type { Check, Outcome } from '../report';
import { describeEndpoint, endpointPathsOf, nameOf, usableEndpoint } from './network-private-endpoint';

export const networkPublicAccess: Check = {
  id: 'network.public-access',
  title: 'Public network access',
  run(evidence): Outcome {
    if (evidence.target.registry.kind === 'external') {
      return {
        status: 'skip',
        evidence: `${evidence.target.registry.host} is not an Azure Container Registry; its network access is not visible in Azure.`,
      };
    }
    const input = requireRegistry(evidence, 'whether it accepts public traffic');
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const access = registry.publicNetworkAccess?.toLowerCase();
    if (access !== undefined && access !== 'enabled' && access !== 'disabled') {
      // A value Azure added later (e.g. a network security perimeter) decides access by rules this tool does not read.
      return {
        status: 'unknown',
        evidence: `Public network access on ${registry.name} is "${registry.publicNetworkAccess}", which this check does not know how to judge (only Enabled and Disabled), so whether the nodes may reach it is not known.`,
        remediation: `Look at Networking of ${registry.name} in the portal: the setting "${registry.publicNetworkAccess}" decides which networks may pull.`,
        command: `az acr show -n ${registry.name} --query "{publicNetworkAccess: publicNetworkAccess, networkRuleSet: networkRuleSet}"`,
        needs: `a way to judge publicNetworkAccess "${registry.publicNetworkAccess}" (only Enabled and Disabled are understood)`,
      };
    }
    if (access !== 'disabled') {
      return {
        status: 'pass',
        evidence: `Public network access on ${registry.name} is ${registry.publicNetworkAccess ?? 'Enabled (default)'}; firewall rules are covered by network.ip-rules.`,
      };
    }
    const paths = endpointPathsOf(evidence);
    const usable = usableEndpoint(paths);
    if (usable) {
      return {
        status: 'pass',
        evidence: `Public network access on ${registry.name} is Disabled; the nodes pull through ${describeEndpoint(usable)} (Approved, ${usable.reach === 'peered' ? 'peered VNet' : 'cluster VNet'}). DNS is covered by network.private-dns.`,
      };
    }
    const fixWords = `Add a private endpoint of ${registry.name} in (or peered with) the cluster VNet, or set Public network access to "Selected networks" and allow the cluster's egress IPs.`;
    const fixCommand = `az acr update -n ${registry.name} --public-network-enabled true --default-action Deny`;
    if (paths.state === 'unseen') {
      return {
        status: 'unknown',
        evidence: `Public network access on ${registry.name} is Disabled, and whether a private endpoint serves the cluster is unknown: ${paths.evidence}.`,
        remediation: 'Give the bot Reader on the private endpoints and the cluster VNet, then check again.',
        needs: paths.needs ?? 'Microsoft.Network/privateEndpoints/read and Microsoft.Network/virtualNetworks/read (Reader)',
      };
    }
    if (paths.state === 'none') {
      return {
        status: 'fail',
        evidence: `Public network access on ${registry.name} is Disabled and it has no private endpoint: every pull from the cluster is refused (403 Forbidden).`,
        remediation: fixWords + ' Then add the egress IPs with `az acr network-rule add`.',
        command: fixCommand,
      };
    }
    const pending = paths.paths.find((p) => p.reach === 'unknown' && p.status.toLowerCase() === 'approved');
    if (pending) {
      return {
        status: 'unknown',
        evidence: `Public network access on ${registry.name} is Disabled; ${describeEndpoint(pending)} is Approved but whether the nodes reach it is unknown (${pending.reachNote ?? 'VNet not read'}).`,
        remediation: 'Give the bot Reader on the cluster VNet and check again.',
        needs: 'Microsoft.Network/virtualNetworks/read on the cluster VNet (Reader)',
      };
    }
    const vnets = paths.clusterVnetIds.map(nameOf).join(', ') || 'the cluster VNet';
    const seen = paths.paths.map((p) => `${describeEndpoint(p)} is ${p.status}${p.reachNote ? ` (${p.reachNote})` : ''}`).join('; ');
    return {
      status: 'fail',
      evidence: `Public network access on ${registry.name} is Disabled and no approved private endpoint is in (or peered with) ${vnets}: ${seen}.`,
      remediation: fixWords,
      command: fixCommand,
    };
  },
};
