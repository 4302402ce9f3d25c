/**
 * network.data-endpoints: manifests come from the login server, layers from a second host (the dedicated
 * data endpoint, or a storage blob host). An egress firewall or proxy that allows only the login server lets
 * the manifest through and cuts the layer download (`EOF`, timeouts on *.blob.core.windows.net).
 */
import { podView, pullMessagesOf, registryHostsOf, shortenPullMessage } from '../failing-pods';
import { requireRegistry } from '../principal';
import type { Check, Outcome } from '../report';

/** The FQDNs node egress must allow for this registry (TCP 443). */
export function registryFqdns(loginServer: string, dataEndpointEnabled: boolean, dataHosts: readonly string[]): string[] {
  return [loginServer, ...(dataEndpointEnabled && dataHosts.length > 0 ? dataHosts : ['*.blob.core.windows.net (registry storage)'])];
}

export const networkDataEndpoints: Check = {
  id: 'network.data-endpoints',
  title: 'Layer downloads (data endpoints) allowed',
  run(evidence): Outcome {
    if (evidence.target.registry.kind === 'external') {
      return { status: 'skip', evidence: `${evidence.target.registry.host} is not an Azure Container Registry; ACR data endpoints do not apply.` };
    }
    const input = requireRegistry(evidence, 'its data endpoints');
    if (!input.ok) return input.outcome;
    const registry = input.value;
    const fqdns = registryFqdns(registry.loginServer, registry.dataEndpointEnabled, registry.dataEndpointHostNames);
    const allowText = `${fqdns.slice(0, -1).join(', ')}${fqdns.length > 1 ? ' and ' : ''}${fqdns[fqdns.length - 1]} (TCP 443)`;
    const remediation = `Allow ${allowText} in your egress firewall or proxy (Azure Firewall: service tag AzureContainerRegistry, or these FQDNs as application rules).`;

    const view = podView(evidence);
    const blocked = view.seen
      ? pullMessagesOf(view.kube, registryHostsOf(evidence)).find((m) => m.classification.class === 'blob-blocked')
      : undefined;
    if (blocked) {
      const host = /https?:\/\/([^/"\s]+\.(?:blob\.core\.windows\.net|data\.azurecr\.(?:io|cn|us)))/i.exec(blocked.text)?.[1];
      return {
        status: 'fail',
        evidence: `Pod ${blocked.pod} in ns ${blocked.namespace} got the manifest but its layer download${host ? ` from ${host}` : ''} was cut: "${shortenPullMessage(blocked.text)}".`,
        remediation,
      };
    }
    if (evidence.cluster.state !== 'ok') {
      return {
        status: 'unknown',
        evidence: `The cluster could not be read, so whether its egress filters ${registry.name}'s data endpoints is unknown. Egress must allow ${allowText}.`,
        remediation,
        needs:
          (evidence.cluster.state === 'failed' ? evidence.cluster.failure.needs : undefined) ??
          'Microsoft.ContainerService/managedClusters/read on the cluster (Reader)',
      };
    }
    const cluster = evidence.cluster.value;
    const proxy = cluster.network.httpProxy?.httpsProxy ?? cluster.network.httpProxy?.httpProxy;
    const filtered = cluster.network.outboundType === 'userDefinedRouting' || proxy !== undefined;
    if (filtered) {
      const through = proxy ? `the HTTP proxy ${proxy}` : 'user-defined routing (a firewall or appliance)';
      return {
        status: 'warn',
        evidence: `${cluster.name} egresses through ${through}. Your egress must allow ${allowText}; the bot cannot see firewall rules.`,
        remediation,
      };
    }
    return {
      status: 'pass',
      evidence: `${cluster.name} egresses directly (outboundType ${cluster.network.outboundType ?? 'loadBalancer'}, no proxy): nothing between the nodes and ${allowText} filters by FQDN.`,
    };
  },
};
