/**
 * identity.cross-tenant: registry and cluster in different Entra tenants. A managed identity cannot be authorised
 * across tenants, so no role assignment will ever fix it (docs/domain.md#kubelet-identity).
 */
import type { Check } from '../report';
import { pullAuth, compareTenants } from '../principal';

export const identityCrossTenant: Check = {
  id: 'identity.cross-tenant',
  title: 'Cluster and registry are in the same Entra tenant',
  run(e) {
    if (e.target.registry.kind === 'external')
      return { status: 'skip', evidence: `${e.target.registry.host} is not an Azure Container Registry; Entra tenants do not apply.` };
    const t = compareTenants(e);
    if (t.state === 'unknown')
      return {
        status: 'unknown',
        evidence: `Cannot compare tenants: ${t.reason}.`,
        remediation: 'Give the bot read access to the registry and the cluster, then check again.',
        needs: t.needs ?? 'Reader on the registry and on the cluster',
      };
    const registry = e.registry.state === 'ok' ? e.registry.value.name : 'the registry';
    const cluster = e.cluster.state === 'ok' ? e.cluster.value : undefined;
    if (t.state === 'same')
      return { status: 'pass', evidence: `Registry ${registry} and cluster ${cluster?.name} are both in tenant ${t.registryTenant}.` };
    const where = `Registry ${registry} lives in tenant ${t.registryTenant}; cluster ${cluster?.name} in tenant ${t.clusterTenant}`;
    const remediation =
      'Use a multitenant service principal provisioned in the registry tenant (learn.microsoft.com/azure/container-registry/authenticate-aks-cross-tenant), ' +
      'or an imagePullSecret, or import the images into a registry in the cluster tenant (az acr import).';
    if (cluster && pullAuth(cluster) === 'service-principal')
      return {
        status: 'warn',
        evidence: `${where}. The cluster's service principal can pull only if it is a multitenant app provisioned in the registry tenant and granted there.`,
        remediation,
      };
    return {
      status: 'fail',
      evidence: `${where} — a managed identity cannot be authorised across tenants, so AcrPull on the kubelet identity cannot work.`,
      remediation,
    };
  },
};
