/**
 * network.private-dns: with a private endpoint, the nodes must resolve the login server *and* every data
 * endpoint to the endpoint's private IPs. That takes the privatelink zone, linked to the cluster VNet, with
 * one A record per name — or custom DNS that forwards the zone to Azure DNS (168.63.129.16).
 *
 * Data endpoints have a zone of their own, `<region>.data.privatelink.azurecr.io` (record `<registry>`).
 * When that zone is linked to the cluster VNet it answers for every name under it, so a record
 * `<registry>.<region>.data` in `privatelink.azurecr.io` is shadowed: the record must be looked for, and
 * added, where resolution really ends up.
 */
import { privateLinkZoneFor } from '../acr-hosts';
import { sameArmId, type PrivateDnsZoneFact } from '../evidence';
import { requireRegistry } from '../principal';
import type { Check, Outcome } from '../report';
import { endpointPathsOf, nameOf, vnetOfSubnet } from './network-private-endpoint';

const AZURE_DNS = '168.63.129.16';

function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '<zone-rg>';
}

export const networkPrivateDns: Check = {
  id: 'network.private-dns',
  title: 'Private DNS for the registry and its data endpoints',
  run(evidence): Outcome {
    if (evidence.target.registry.kind === 'external') {
      return { status: 'skip', evidence: `${evidence.target.registry.host} is not an Azure Container Registry; private link DNS does not apply.` };
    }
    const input = requireRegistry(evidence, 'whether it needs private DNS');
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const paths = endpointPathsOf(evidence);
    if (paths.state === 'none') {
      return { status: 'skip', evidence: `${registry.name} has no private endpoint; ${registry.loginServer} resolves through public DNS.` };
    }
    const zoneName = privateLinkZoneFor(registry.loginServer);
    const label = registry.loginServer.split('.')[0] as string;
    const dataHosts =
      registry.dataEndpointHostNames.length > 0
        ? registry.dataEndpointHostNames
        : // private link turns dedicated data endpoints on; older reads may not list them yet
          [`${label}.${registry.location}.data.${zoneName.replace(/^privatelink\./, '')}`];

    const zonesRead = evidence.network.privateDnsZones;
    if (zonesRead.state !== 'ok') {
      const why = zonesRead.state === 'failed' ? zonesRead.failure.message : zonesRead.reason;
      return {
        status: 'unknown',
        evidence: `${registry.name} has a private endpoint, but the ${zoneName} zones could not be read (${why}); a zone in another subscription may be invisible to the bot.`,
        remediation: `Give the bot Reader on the subscription that holds ${zoneName}, or check the zone's VNet links yourself.`,
        command: `az network private-dns link vnet list -g <zone-rg> -z ${zoneName} -o table`,
        needs:
          (zonesRead.state === 'failed' ? zonesRead.failure.needs : undefined) ?? `Microsoft.Network/privateDnsZones/read on ${zoneName} (Reader)`,
      };
    }
    const vnetsRead = evidence.network.clusterVnets;
    // Private DNS links do not follow peerings: every VNet the nodes sit in needs its own link.
    const fromPools =
      evidence.cluster.state === 'ok' ? evidence.cluster.value.agentPools.flatMap((p) => (p.vnetSubnetId ? [vnetOfSubnet(p.vnetSubnetId)] : [])) : [];
    const clusterVnetIds = [...fromPools, ...(vnetsRead.state === 'ok' ? vnetsRead.value.map((v) => v.id) : [])].filter(
      (id, i, all) => all.findIndex((o) => sameArmId(o, id)) === i,
    );
    if (clusterVnetIds.length === 0 || vnetsRead.state !== 'ok') {
      return {
        status: 'unknown',
        evidence: `The cluster VNet could not be determined or read${vnetsRead.state === 'failed' ? ` (${vnetsRead.failure.message})` : ''}, so the links of ${zoneName} cannot be checked.`,
        remediation: 'Give the bot Reader on the cluster VNet and check again.',
        needs:
          (vnetsRead.state === 'failed' ? vnetsRead.failure.needs : undefined) ??
          'Microsoft.Network/virtualNetworks/read on the cluster VNet (Reader)',
      };
    }
    const customDns = vnetsRead.value.filter((v) => v.dnsServers.length > 0);
    const named = (name: string): PrivateDnsZoneFact[] => zonesRead.value.filter((z) => z.name.toLowerCase() === name);
    const linkedTo = (name: string, vnetId: string): PrivateDnsZoneFact | undefined =>
      named(name).find((z) => z.vnetLinks.some((l) => sameArmId(l.vnetId, vnetId) && (l.state ?? 'Completed').toLowerCase() !== 'inprogress'));
    const linkedZone = (name: string): PrivateDnsZoneFact | undefined => clusterVnetIds.map((id) => linkedTo(name, id)).find((z) => z !== undefined);
    const zones = named(zoneName);
    const linked = (vnetId: string): PrivateDnsZoneFact | undefined => linkedTo(zoneName, vnetId);
    const unlinked = clusterVnetIds.filter((id) => !linked(id) && !customDns.some((v) => sameArmId(v.id, id)));
    const zoneForRecords = linkedZone(zoneName) ?? zones[0];
    // Where each name resolves from the nodes: its data zone when one is linked, else the privatelink zone.
    const required = [
      { zone: zoneName, record: label },
      ...dataHosts.map((h) => {
        const dataZone = `${h.toLowerCase().split('.')[1] ?? registry.location}.data.${zoneName}`;
        return linkedZone(dataZone)
          ? { zone: dataZone, record: label }
          : { zone: zoneName, record: h.toLowerCase().replace(/\.azurecr\.(io|cn|us|de)$/, '') };
      }),
    ];
    const recordNames = required.map((r) => (r.zone === zoneName ? r.record : `${r.record} (in ${r.zone})`));
    const hasRecord = (r: { zone: string; record: string }): boolean =>
      (linkedZone(r.zone) ?? named(r.zone)[0])?.aRecords.some((a) => a.name.toLowerCase() === r.record && a.ipv4Addresses.length > 0) ?? false;
    const missingRecords = required.filter((r) => !hasRecord(r));
    const missing = missingRecords.map((r) => (r.zone === zoneName ? r.record : `${r.record} (in ${r.zone})`));
    const present = new Set(zoneForRecords?.aRecords.filter((r) => r.ipv4Addresses.length > 0).map((r) => r.name.toLowerCase()) ?? []);
    const zoneText = zoneForRecords ? `Zone ${zoneName} (${resourceGroupOf(zoneForRecords.id)})` : `No ${zoneName} zone is visible`;
    const recordsText = zoneForRecords ? (present.size > 0 ? ` has records ${[...present].join(', ')}` : ' has no A records') : '';

    if (zones.length === 0 && customDns.length === 0) {
      return {
        status: 'fail',
        evidence: `${registry.name} has a private endpoint but no ${zoneName} zone is visible and the cluster VNet uses Azure DNS: ${registry.loginServer} resolves to its public address (403) or not at all.`,
        remediation: `Create ${zoneName}, link it to ${clusterVnetIds.map(nameOf).join(', ')} and add A records ${recordNames.join(', ')} (or attach a DNS zone group to the private endpoint). If the zone lives in a subscription the bot cannot read, grant Reader there.`,
        command: `az network private-dns zone create -g <rg> -n ${zoneName}`,
      };
    }
    if (unlinked.length > 0) {
      const vnetId = unlinked[0] as string;
      return {
        status: 'fail',
        evidence: `${zoneText}${recordsText}, but is not linked to ${unlinked.map(nameOf).join(', ')}: the nodes resolve ${registry.loginServer} to its public address.`,
        remediation: `Link ${zoneName} to the cluster VNet${missing.length > 0 ? ` and add the missing A records ${missing.join(', ')}` : ''}.`,
        command: `az network private-dns link vnet create -g ${zoneForRecords ? resourceGroupOf(zoneForRecords.id) : '<zone-rg>'} -z ${zoneName} -n ${nameOf(vnetId)}-link -v ${vnetId} -e false`,
      };
    }
    const firstMissing = missingRecords[0];
    if (zoneForRecords && firstMissing) {
      // the endpoint's own DNS configuration says which private IP serves which name
      const endpoints = evidence.network.privateEndpoints.state === 'ok' ? evidence.network.privateEndpoints.value : [];
      const fqdnStart =
        firstMissing.zone === zoneName ? `${firstMissing.record}.` : `${firstMissing.record}.${firstMissing.zone.split('.')[0]}.data.`;
      const ip = endpoints.flatMap((pe) => pe.dnsConfigs).find((d) => d.fqdn.toLowerCase().startsWith(fqdnStart))?.ipAddresses[0];
      const recordZone = linkedZone(firstMissing.zone) ?? named(firstMissing.zone)[0] ?? zoneForRecords;
      return {
        status: 'fail',
        evidence: `${zoneText} lacks A records for ${missing.join(', ')}${present.size > 0 ? ` (it has ${[...present].join(', ')})` : ''}: those names do not resolve to the private endpoint.`,
        remediation: `Add an A record per missing name pointing at the private endpoint's IP for it (see the endpoint's DNS configuration), or recreate the endpoint's DNS zone group.`,
        command: `az network private-dns record-set a add-record -g ${resourceGroupOf(recordZone.id)} -z ${firstMissing.zone} -n ${firstMissing.record} -a ${ip ?? '<private-ip>'}`,
      };
    }
    if (customDns.length > 0) {
      const servers = [...new Set(customDns.flatMap((v) => v.dnsServers))].join(', ');
      return {
        status: 'warn',
        evidence: `${customDns.map((v) => nameOf(v.id)).join(', ')} uses custom DNS servers ${servers}; they must resolve ${[registry.loginServer, ...dataHosts].join(', ')} to the private endpoint.`,
        remediation: `Make the DNS servers forward ${zoneName} to ${AZURE_DNS} (from a VNet linked to the zone), or host the records themselves.`,
        command: `nslookup ${registry.loginServer} ${customDns[0]?.dnsServers[0] ?? ''}`.trim(),
      };
    }
    return {
      status: 'pass',
      evidence: `${zoneText} is linked to ${clusterVnetIds.map(nameOf).join(', ')} and has A records for ${recordNames.join(', ')}.`,
    };
  },
};
