/**
 * network.ip-rules: a Premium registry on "Selected networks" refuses (403) every public-endpoint pull whose
 * source IP is not inside an allow rule. AKS is not a trusted service, so the bypass option does not help.
 */
import type { EgressIpFact, Evidence } from '../evidence';
import { podView, pullMessagesOf, registryHostsOf } from '../failing-pods';
import { blockCovers } from '../ipv4';
import { requireRegistry } from '../principal';
import type { Check, Outcome } from '../report';
import { describeEndpoint, endpointPathsOf, nameOf, usableEndpoint } from './network-private-endpoint';

/** outboundType values whose egress IP Azure does not report on the cluster (a firewall, NVA or your own NAT decides). */
const EGRESS_DECIDED_ELSEWHERE: Record<string, string> = {
  userdefinedrouting: 'user-defined routing: the egress IP is that of your firewall or appliance',
  userassignednatgateway: 'a NAT gateway you manage: the egress IPs are those of that NAT gateway',
  none: 'outboundType none: the nodes have no Azure-managed egress',
};

function egressLabel(outboundType: string | undefined): string {
  return outboundType === 'managedNATGateway' ? 'managed NAT gateway IP' : 'load balancer outbound IP';
}

/** The IP a firewall-denied pod event named, when it is still outside every allow rule. */
function deniedIpFromEvents(evidence: Evidence, allows: string[]): { ip: string; covered: boolean } | undefined {
  const view = podView(evidence);
  if (!view.seen) return undefined;
  const hit = pullMessagesOf(view.kube, registryHostsOf(evidence)).find((m) => m.classification.class === 'firewall-denied' && m.classification.ip);
  const ip = hit?.classification.ip;
  return ip ? { ip, covered: allows.some((rule) => blockCovers(rule, ip)) } : undefined;
}

function addRuleCommand(registry: string, addresses: string[]): string {
  return addresses.map((a) => `az acr network-rule add -n ${registry} --ip-address ${a}`).join(' && ');
}

export const networkIpRules: Check = {
  id: 'network.ip-rules',
  title: 'Registry firewall admits the cluster egress IPs',
  run(evidence): Outcome {
    if (evidence.target.registry.kind === 'external') {
      return {
        status: 'skip',
        evidence: `${evidence.target.registry.host} is not an Azure Container Registry; its firewall is not visible in Azure.`,
      };
    }
    const input = requireRegistry(evidence, 'its firewall rules');
    if (!input.ok) return input.outcome;
    const registry = input.value;
    if (registry.sku.toLowerCase() !== 'premium') {
      return { status: 'skip', evidence: `${registry.name} is ${registry.sku}; IP rules exist only on Premium registries, so no IP is filtered.` };
    }
    if (registry.publicNetworkAccess?.toLowerCase() === 'disabled') {
      return {
        status: 'skip',
        evidence: `Public network access on ${registry.name} is Disabled, which overrides every IP rule (see network.public-access).`,
      };
    }
    const paths = endpointPathsOf(evidence);
    const usable = usableEndpoint(paths);
    if (usable) {
      return {
        status: 'skip',
        evidence: `Pulls from the cluster go through ${describeEndpoint(usable)}; IP rules apply only to the public endpoint.`,
      };
    }
    const ruleSet = registry.networkRuleSet;
    const defaultAction = ruleSet?.defaultAction.toLowerCase();
    if (defaultAction !== undefined && defaultAction !== 'allow' && defaultAction !== 'deny') {
      return {
        status: 'unknown',
        evidence: `The firewall default action of ${registry.name} is "${ruleSet?.defaultAction}", neither Allow nor Deny, so whether it admits the cluster's egress IPs is not known.`,
        remediation: `Look at Networking of ${registry.name}: with "Selected networks", the cluster's egress IPs must be in the allow list.`,
        command: `az acr show -n ${registry.name} --query networkRuleSet`,
        needs: 'a networkRuleSet.defaultAction of Allow or Deny',
      };
    }
    if (!ruleSet || defaultAction !== 'deny') {
      return {
        status: 'pass',
        evidence: `${registry.name} accepts public traffic from any IP (firewall default action ${ruleSet?.defaultAction ?? 'Allow'}).`,
      };
    }
    const allows = ruleSet.ipRules.filter((r) => (r.action ?? 'Allow').toLowerCase() === 'allow').map((r) => r.value);
    const allowedText =
      allows.length > 0 ? `${registry.name} allows only ${allows.join(', ')}` : `${registry.name} denies all public traffic (no IP rule)`;
    const fix = `Allow the cluster's egress IP on ${registry.name} (new rules take a few minutes to apply). AKS is not a trusted Azure service, so "Allow trusted services" does not admit it.`;

    const denied = deniedIpFromEvents(evidence, allows);
    if (denied && !denied.covered) {
      return {
        status: 'fail',
        evidence: `${allowedText}; pods were refused with "client with IP '${denied.ip}' is not allowed access".`,
        remediation: fix,
        command: addRuleCommand(registry.name, [denied.ip]),
      };
    }
    // A private endpoint the nodes may or may not reach would make the rules moot; say so instead of failing.
    const unsureEndpoint =
      paths.state === 'unseen' || (paths.state === 'seen' && paths.paths.some((p) => p.reach === 'unknown' && p.status.toLowerCase() === 'approved'));

    if (evidence.cluster.state !== 'ok') {
      return {
        status: 'unknown',
        evidence: `${allowedText}; the cluster could not be read, so its egress IPs are unknown.`,
        remediation: `Confirm the cluster's egress IP is in ${registry.name}'s IP rules.`,
        needs:
          (evidence.cluster.state === 'failed' ? evidence.cluster.failure.needs : undefined) ??
          'Microsoft.ContainerService/managedClusters/read on the cluster (Reader)',
      };
    }
    const cluster = evidence.cluster.value;
    const outbound = cluster.network.outboundType;
    const elsewhere = EGRESS_DECIDED_ELSEWHERE[(outbound ?? '').toLowerCase()];
    if (elsewhere) {
      return {
        status: 'unknown',
        evidence: `${allowedText}; ${cluster.name} egresses through ${elsewhere}, which Azure does not report on the cluster.`,
        remediation: `Confirm the egress IP decided by your firewall/NAT is in ${registry.name}'s IP rules; add it if not.`,
        command: `az acr network-rule add -n ${registry.name} --ip-address <egress-ip>`,
        needs: 'the public IP your firewall or NAT uses for the node subnet',
      };
    }
    const egress = evidence.network.egressIps;
    if (egress.state !== 'ok' || egress.value.length === 0) {
      const why =
        egress.state === 'failed' ? egress.failure.message : egress.state === 'skipped' ? egress.reason : 'no outbound IP was found on the cluster';
      return {
        status: 'unknown',
        evidence: `${allowedText}; the egress IPs of ${cluster.name} are unknown: ${why}.`,
        remediation: `Confirm the cluster's egress IP is in ${registry.name}'s IP rules.`,
        needs:
          (egress.state === 'failed' ? egress.failure.needs : undefined) ??
          `Microsoft.Network/publicIPAddresses/read in ${cluster.nodeResourceGroup ?? 'the node resource group'} (Reader)`,
      };
    }
    const address = (ip: EgressIpFact): string | undefined => ip.ipAddress ?? ip.ipPrefix;
    const unresolved = egress.value.filter((ip) => !address(ip));
    const uncovered = egress.value.filter((ip) => {
      const a = address(ip);
      return a !== undefined && !allows.some((rule) => blockCovers(rule, a));
    });
    const label = egressLabel(outbound);
    if (uncovered.length > 0) {
      const ips = uncovered.map((ip) => address(ip) as string);
      const result: Outcome = {
        status: 'fail',
        evidence: `${allowedText}; ${cluster.name} egresses from ${ips.join(', ')} (${label}${ips.length > 1 ? 's' : ''}), which no rule covers.`,
        remediation: fix,
        command: addRuleCommand(registry.name, ips),
      };
      if (unsureEndpoint) {
        return {
          ...result,
          status: 'unknown',
          evidence: `${result.evidence} This matters only if pulls do not go through ${registry.name}'s private endpoint, which could not be confirmed.`,
          needs: 'Microsoft.Network/privateEndpoints/read and Microsoft.Network/virtualNetworks/read (Reader)',
        };
      }
      return result;
    }
    if (unresolved.length > 0) {
      return {
        status: 'unknown',
        evidence: `${allowedText}; the address of ${unresolved.map((ip) => nameOf(ip.id)).join(', ')} (egress of ${cluster.name}) was not read.`,
        remediation: `Confirm that address is in ${registry.name}'s IP rules.`,
        needs: 'Microsoft.Network/publicIPAddresses/read on the outbound IP (Reader)',
      };
    }
    const covered = egress.value.map((ip) => {
      const a = address(ip) as string;
      return `${a} (rule ${allows.find((rule) => blockCovers(rule, a))})`;
    });
    const stale = denied?.covered ? ` Earlier pod events named ${denied.ip} as refused; it is now allowed (rules take a few minutes to apply).` : '';
    return { status: 'pass', evidence: `${allowedText}; ${cluster.name} egresses from ${covered.join(', ')}, all allowed.${stale}` };
  },
};
