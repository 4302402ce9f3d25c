/**
 * network.private-endpoint: can the cluster's nodes reach an approved private endpoint of the registry?
 * The path analysis is exported because public-access, ip-rules and private-dns depend on the same answer
 * ("do pulls go through a private endpoint?") and must not drift from this check's verdict.
 */
import { sameArmId, type Evidence } from '../evidence';
import { requireRegistry } from '../principal';
import type { Check, Outcome } from '../report';

export type Reach = 'same-vnet' | 'peered' | 'unreachable' | 'unknown';

export interface EndpointPath {
  connectionName: string;
  /** Approved | Pending | Rejected | Disconnected (as ARM said; `unknown` when absent). */
  status: string;
  endpointName: string;
  endpointId?: string;
  vnetId?: string;
  ips: string[];
  reach: Reach;
  /** Why the path is unreachable or unknown, for people. */
  reachNote?: string;
}

export type EndpointPaths =
  { state: 'none' } | { state: 'unseen'; evidence: string; needs?: string } | { state: 'seen'; paths: EndpointPath[]; clusterVnetIds: string[] };

export const nameOf = (id: string | undefined): string => (id ?? '').split('/').filter(Boolean).pop() ?? '';

export const vnetOfSubnet = (subnetId: string): string => subnetId.replace(/\/subnets\/[^/]+\/?$/i, '');

function resourceGroupOf(id: string): string | undefined {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1];
}

/** Registry private endpoints and whether the cluster's VNets reach them. Call only with a readable registry. */
export function endpointPathsOf(evidence: Evidence): EndpointPaths {
  if (evidence.registry.state !== 'ok') return { state: 'unseen', evidence: 'the registry could not be read' };
  const registry = evidence.registry.value;
  if (registry.privateEndpointConnections.length === 0) return { state: 'none' };
  if (evidence.cluster.state !== 'ok') {
    return {
      state: 'unseen',
      evidence: `the cluster could not be read (${evidence.cluster.state === 'failed' ? evidence.cluster.failure.message : evidence.cluster.reason}), so its VNet is unknown`,
      needs: evidence.cluster.state === 'failed' ? evidence.cluster.failure.needs : undefined,
    };
  }
  const cluster = evidence.cluster.value;
  const endpoints = evidence.network.privateEndpoints;
  if (endpoints.state !== 'ok') {
    const why = endpoints.state === 'failed' ? endpoints.failure.message : endpoints.reason;
    return {
      state: 'unseen',
      evidence: `the private endpoints of ${registry.name} could not be read (${why})`,
      needs:
        endpoints.state === 'failed'
          ? (endpoints.failure.needs ?? 'Microsoft.Network/privateEndpoints/read on the endpoints (Reader on their resource group)')
          : undefined,
    };
  }
  const vnetFacts = evidence.network.clusterVnets.state === 'ok' ? evidence.network.clusterVnets.value : undefined;
  const nodeRg = cluster.nodeResourceGroup?.toLowerCase();
  const fromSubnets = cluster.agentPools.flatMap((p) => (p.vnetSubnetId ? [vnetOfSubnet(p.vnetSubnetId)] : []));
  const clusterVnetIds = [...fromSubnets, ...(vnetFacts ?? []).map((v) => v.id)].filter((id, i, all) => all.findIndex((o) => sameArmId(o, id)) === i);
  const managedPools = cluster.agentPools.filter((p) => !p.vnetSubnetId).map((p) => p.name);
  const managedVnetKnown = clusterVnetIds.some((id) => resourceGroupOf(id)?.toLowerCase() === nodeRg);
  const vnetReadFailure = evidence.network.clusterVnets.state === 'failed' ? evidence.network.clusterVnets.failure.message : undefined;

  const paths = registry.privateEndpointConnections.map((conn): EndpointPath => {
    const pe = endpoints.value.find((e) => sameArmId(e.id, conn.privateEndpointId));
    const base = {
      connectionName: nameOf(conn.id),
      status: conn.status ?? 'unknown',
      endpointName: pe?.name ?? nameOf(conn.privateEndpointId),
      endpointId: conn.privateEndpointId,
      vnetId: pe?.vnetId,
      ips: [...new Set(pe?.dnsConfigs.flatMap((d) => d.ipAddresses) ?? [])],
    };
    if (!pe?.vnetId) return { ...base, reach: 'unknown', reachNote: `the subnet of private endpoint ${base.endpointName} was not read` };
    const peVnet = pe.vnetId;
    const verdicts: { reach: Reach; note?: string }[] = clusterVnetIds.map((vnetId) => {
      if (sameArmId(vnetId, peVnet)) return { reach: 'same-vnet' };
      const facts = vnetFacts?.find((v) => sameArmId(v.id, vnetId));
      if (!facts)
        return { reach: 'unknown', note: `the peerings of ${nameOf(vnetId)} were not read${vnetReadFailure ? ` (${vnetReadFailure})` : ''}` };
      const peering = facts.peerings.find((p) => sameArmId(p.remoteVnetId, peVnet));
      if (peering?.state.toLowerCase() === 'connected') return { reach: 'peered' };
      return {
        reach: 'unreachable',
        note: peering
          ? `${nameOf(vnetId)} ↔ ${nameOf(peVnet)} peering state: ${peering.state}`
          : `${nameOf(vnetId)} has no peering with ${nameOf(peVnet)}`,
      };
    });
    if (managedPools.length > 0 && !managedVnetKnown) {
      const inNodeRg = resourceGroupOf(peVnet)?.toLowerCase() === nodeRg;
      verdicts.push(
        inNodeRg
          ? { reach: 'same-vnet' }
          : {
              reach: 'unknown',
              note: `node pool ${managedPools.join(', ')} has no vnetSubnetId: it uses the AKS-managed VNet in ${cluster.nodeResourceGroup ?? 'the node resource group'}, which was not read`,
            },
      );
    }
    const worst = verdicts.find((v) => v.reach === 'unreachable') ??
      verdicts.find((v) => v.reach === 'unknown') ??
      verdicts.find((v) => v.reach === 'peered') ??
      verdicts[0] ?? { reach: 'unknown' as Reach, note: 'no cluster VNet is known' };
    return { ...base, reach: worst.reach, reachNote: worst.note };
  });
  return { state: 'seen', paths, clusterVnetIds };
}

const isApproved = (p: EndpointPath): boolean => p.status.toLowerCase() === 'approved';

/** The approved endpoint the nodes can reach, if any: pulls then go privately and public rules do not apply. */
export function usableEndpoint(paths: EndpointPaths): EndpointPath | undefined {
  if (paths.state !== 'seen') return undefined;
  return paths.paths.find((p) => isApproved(p) && (p.reach === 'same-vnet' || p.reach === 'peered'));
}

export function describeEndpoint(p: EndpointPath): string {
  const ips = p.ips.length > 0 ? ` (${p.ips.join(', ')})` : '';
  const where = p.vnetId ? ` in ${nameOf(p.vnetId)}` : '';
  return `private endpoint ${p.endpointName}${ips}${where}`;
}

export const networkPrivateEndpoint: Check = {
  id: 'network.private-endpoint',
  title: 'Private endpoint reachable from the nodes',
  run(evidence): Outcome {
    if (evidence.target.registry.kind === 'external') {
      return { status: 'skip', evidence: `${evidence.target.registry.host} is not an Azure Container Registry; private endpoints do not apply.` };
    }
    const input = requireRegistry(evidence, 'its private endpoint connections');
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const paths = endpointPathsOf(evidence);
    if (paths.state === 'none') {
      return {
        status: 'skip',
        evidence: `${registry.name} has no private endpoint connections; nodes reach it through its public endpoint (see network.public-access).`,
      };
    }
    if (paths.state === 'unseen') {
      return {
        status: 'unknown',
        evidence: `${registry.name} has ${registry.privateEndpointConnections.length} private endpoint connection(s), but ${paths.evidence}.`,
        remediation: 'Give the bot Reader on the private endpoints and the cluster VNet, then check again.',
        needs:
          paths.needs ?? 'Microsoft.Network/privateEndpoints/read and Microsoft.Network/virtualNetworks/read (Reader on the network resource groups)',
      };
    }
    const clusterVnets = paths.clusterVnetIds.map(nameOf).join(', ') || 'the cluster VNet';
    const usable = usableEndpoint(paths);
    if (usable) {
      if (usable.reach === 'peered') {
        const routed = routeTableOf(evidence);
        if (routed) {
          return {
            status: 'warn',
            evidence: `${capital(describeEndpoint(usable))} is Approved and reached from ${clusterVnets} through a peering, but the node subnet routes through ${routed}.`,
            remediation: `Make sure the hub firewall or appliance allows TCP 443 from the node subnet to ${usable.ips.join(', ') || 'the private endpoint IPs'}; otherwise pulls end in "i/o timeout".`,
          };
        }
        return { status: 'pass', evidence: `${capital(describeEndpoint(usable))} is Approved and peered (Connected) with ${clusterVnets}.` };
      }
      return { status: 'pass', evidence: `${capital(describeEndpoint(usable))} is Approved and in the cluster VNet ${clusterVnets}.` };
    }
    const approved = paths.paths.filter(isApproved);
    if (approved.length === 0) {
      const first = paths.paths[0];
      const states = paths.paths.map((p) => `${p.connectionName} (${describeEndpoint(p)}) is ${p.status}`).join('; ');
      return {
        status: 'fail',
        evidence: `No private endpoint connection of ${registry.name} is Approved: ${states}.`,
        remediation: `Approve the connection on ${registry.name} (or recreate a Rejected/Disconnected endpoint).`,
        command: first ? `az acr private-endpoint-connection approve -r ${registry.name} -n ${first.connectionName}` : undefined,
      };
    }
    const unknown = approved.find((p) => p.reach === 'unknown');
    if (unknown) {
      return {
        status: 'unknown',
        evidence: `${capital(describeEndpoint(unknown))} is Approved, but whether ${clusterVnets} reaches it is unknown: ${unknown.reachNote ?? 'its VNet was not read'}.`,
        remediation: 'Give the bot Reader on the cluster VNet (and the node resource group) and check again.',
        needs:
          (evidence.network.clusterVnets.state === 'failed' ? evidence.network.clusterVnets.failure.needs : undefined) ??
          'Microsoft.Network/virtualNetworks/read on the cluster VNet (Reader on its resource group)',
      };
    }
    const blocked = approved[0] as EndpointPath;
    const publicClosed = registry.publicNetworkAccess?.toLowerCase() === 'disabled';
    const peCommand = blocked.vnetId && paths.clusterVnetIds[0] ? peeringCommand(paths.clusterVnetIds[0], blocked.vnetId) : undefined;
    return {
      status: publicClosed ? 'fail' : 'warn',
      evidence:
        `${capital(describeEndpoint(blocked))} is Approved but not reachable from the nodes: ${blocked.reachNote ?? 'no path'}.` +
        (publicClosed
          ? ' Public network access is Disabled, so pulls end in "i/o timeout" or 403.'
          : ' Pulls work only while DNS resolves the registry to its public address.'),
      remediation: `Peer ${clusterVnets} with ${nameOf(blocked.vnetId)} (both directions, state Connected), or add a private endpoint in the cluster VNet.`,
      command: peCommand,
    };
  },
};

function routeTableOf(evidence: Evidence): string | undefined {
  const subnets = evidence.network.clusterSubnets;
  const routed = subnets.state === 'ok' ? subnets.value.find((s) => s.routeTableId) : undefined;
  if (routed?.routeTableId) return `route table ${nameOf(routed.routeTableId)}`;
  if (evidence.cluster.state === 'ok' && evidence.cluster.value.network.outboundType === 'userDefinedRouting') return 'user-defined routing';
  return undefined;
}

function peeringCommand(clusterVnetId: string, peVnetId: string): string {
  const rg = resourceGroupOf(clusterVnetId) ?? '<vnet-rg>';
  return `az network vnet peering create -g ${rg} --vnet-name ${nameOf(clusterVnetId)} -n ${nameOf(clusterVnetId)}-to-${nameOf(peVnetId)} --remote-vnet ${peVnetId} --allow-vnet-access`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
