/**
 * network.egress-path: what sits between the nodes and the registry on the way out — user-defined routing
 * to a firewall or appliance, an HTTP proxy. ARM cannot show a firewall's rules, so a filtered path is a
 * warning with the exact FQDNs to allow; pod events with timeouts turn it into a failure.
 */
import { hostBelongsTo, podView, pullMessagesOf, registryHostsOf, shortenPullMessage } from '../failing-pods';
import { isPrivateIpv4 } from '../ipv4';
import type { PullErrorClass } from '../pull-errors';
import type { Check, Outcome } from '../report';
import { registryFqdns } from './network-data-endpoints';
import { nameOf } from './network-private-endpoint';

/** Classes that mean the path out was cut or stalled: timeouts, TLS handshake timeouts, EOF, unreachable hosts (docs/domain.md#pull-error-messages). */
const PATH_CLASSES: ReadonlySet<PullErrorClass> = new Set(['timeout', 'tls-timeout', 'client-timeout', 'eof', 'host-unreachable']);

export const networkEgressPath: Check = {
  id: 'network.egress-path',
  title: 'Egress path from the nodes',
  run(evidence): Outcome {
    if (evidence.cluster.state !== 'ok') {
      return {
        status: 'unknown',
        evidence: `The cluster could not be read, so its egress path is unknown${evidence.cluster.state === 'failed' ? `: ${evidence.cluster.failure.message}` : ''}.`,
        remediation: 'Give the bot read access to the cluster and run the check again.',
        needs:
          (evidence.cluster.state === 'failed' ? evidence.cluster.failure.needs : undefined) ??
          'Microsoft.ContainerService/managedClusters/read on the cluster (Reader)',
      };
    }
    const cluster = evidence.cluster.value;
    const registryHosts = registryHostsOf(evidence);
    const fqdns =
      evidence.registry.state === 'ok'
        ? registryFqdns(
            evidence.registry.value.loginServer,
            evidence.registry.value.dataEndpointEnabled,
            evidence.registry.value.dataEndpointHostNames,
          )
        : [registryHosts.display];
    const allowText = `${fqdns.join(', ')} (TCP 443)`;

    const proxy = cluster.network.httpProxy;
    const proxyUrl = proxy?.httpsProxy ?? proxy?.httpProxy;
    const subnets = evidence.network.clusterSubnets;
    const routeTable = subnets.state === 'ok' ? subnets.value.find((s) => s.routeTableId)?.routeTableId : undefined;
    const udr = cluster.network.outboundType === 'userDefinedRouting';
    const through = [
      udr ? `user-defined routing${routeTable ? ` (route table ${nameOf(routeTable)})` : ''}` : undefined,
      proxyUrl ? `the HTTP proxy ${proxyUrl}` : undefined,
    ].filter((t): t is string => t !== undefined);

    const view = podView(evidence);
    const stalled = view.seen
      ? pullMessagesOf(view.kube, registryHosts).find(
          // a timeout to a private IP is the private endpoint's path (network.private-endpoint), not internet egress
          (m) =>
            PATH_CLASSES.has(m.classification.class) &&
            !(m.classification.class === 'timeout' && m.classification.ip && isPrivateIpv4(m.classification.ip)),
        )
      : undefined;
    if (stalled) {
      return {
        status: 'fail',
        evidence: `Pod ${stalled.pod} in ns ${stalled.namespace} could not reach the registry: "${shortenPullMessage(stalled.text)}" (${stalled.classification.meaning}).${through.length > 0 ? ` Egress goes through ${through.join(' and ')}.` : ''}`,
        remediation: `Allow ${allowText} on every hop out of the node subnet (firewall, appliance, proxy, NSG), then test from a node with \`curl -v https://${fqdns[0]}/v2/\`.`,
      };
    }

    if (through.length > 0) {
      const noProxy = (proxy?.noProxy ?? []).map((h) => h.toLowerCase().replace(/^\*?\./, ''));
      const bypassed = (host: string): boolean => noProxy.some((n) => host === n || host.endsWith('.' + n));
      const notBypassed = proxyUrl ? fqdns.filter((h) => !h.includes('*') && !bypassed(h) && hostBelongsTo(h, registryHosts)) : [];
      const proxyNote = proxyUrl && notBypassed.length > 0 ? ` noProxy does not list ${notBypassed.join(', ')}, so pulls go through the proxy.` : '';
      return {
        status: 'warn',
        evidence: `${cluster.name} egresses through ${through.join(' and ')}; make sure it allows ${allowText}. The bot cannot read firewall or proxy rules.${proxyNote}`,
        remediation: `Allow ${allowText} (Azure Firewall: service tag AzureContainerRegistry)${proxyUrl ? `, or add them to the cluster's noProxy list` : ''}.`,
      };
    }
    if (cluster.network.outboundType === 'none') {
      return {
        status: 'warn',
        evidence: `${cluster.name} has outboundType none: nodes have no internet egress, so only a private endpoint of the registry can serve pulls.`,
        remediation: 'Use a private endpoint in (or peered with) the cluster VNet, or give the cluster an outbound path.',
      };
    }
    if (subnets.state === 'failed') {
      return {
        status: 'unknown',
        evidence: `${cluster.name} egresses through ${cluster.network.outboundType ?? 'its load balancer'} with no proxy, but its node subnets could not be read (${subnets.failure.message}), so a route table or NSG there is not known.`,
        remediation: 'Give the bot Reader on the cluster VNet and check again.',
        needs: subnets.failure.needs ?? 'Microsoft.Network/virtualNetworks/subnets/read on the cluster VNet (Reader)',
      };
    }
    const nsg = subnets.state === 'ok' ? subnets.value.find((s) => s.networkSecurityGroupId)?.networkSecurityGroupId : undefined;
    const nsgNote = nsg
      ? ` The node subnet has NSG ${nameOf(nsg)}; its outbound rules are not read, and a Deny on 443 there would also block pulls.`
      : '';
    return {
      status: 'pass',
      evidence: `${cluster.name} egresses through ${cluster.network.outboundType ?? 'its load balancer'} with no proxy and no user-defined routing.${nsgNote}`,
    };
  },
};
