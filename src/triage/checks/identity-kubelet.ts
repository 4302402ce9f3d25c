/**
 * identity.kubelet: which principal the nodes pull with (docs/domain.md#kubelet-identity). Role assignments must name the kubelet
 * identity's objectId — not the control-plane identity, which is the most common mix-up.
 */
import type { ClusterFacts, Evidence } from '../evidence';
import type { Check, Outcome } from '../report';
import { clusterAuth, identityName, migratingFromServicePrincipal, requireCluster } from '../principal';

export const identityKubelet: Check = {
  id: 'identity.kubelet',
  title: 'The identity the nodes pull with is known',
  run(e) {
    const input = requireCluster(e);
    if (!input.ok) return { ...input.outcome, evidence: `${input.outcome.evidence} Without it the pulling identity is not known.` };
    const cluster = input.value;
    const auth = clusterAuth(cluster);
    if (migratingFromServicePrincipal(cluster)) return migrating(e, cluster);
    if (auth === 'msi') {
      const kid = cluster.kubeletIdentity;
      const controlPlane = cluster.identity?.principalId ? ` The control-plane identity ${cluster.identity.principalId} is NOT used for pulls.` : '';
      if (!kid) {
        const command = `az aks update --resource-group ${cluster.resourceGroup} --name ${cluster.name} --subscription ${cluster.subscriptionId}`;
        return {
          status: 'fail',
          evidence: `Cluster ${cluster.name} uses managed identity but has no kubelet identity (properties.identityProfile.kubeletidentity is missing), so its nodes have nothing to pull with.${controlPlane}`,
          remediation: `Reconcile the cluster with an empty update; if the kubelet identity is still missing, assign one (az aks update --assign-kubelet-identity) or open a support case. Do not grant AcrPull to the control-plane identity instead.`,
          command,
        };
      }
      const name = identityName(kid.resourceId) ?? 'kubelet identity';
      if (!kid.objectId)
        return {
          status: 'unknown',
          evidence: `Kubelet identity ${name} (clientId ${kid.clientId ?? 'not reported'}) came without an objectId, so its role assignments cannot be looked up.${controlPlane}`,
          remediation: `Look the objectId up with: az identity show --ids ${kid.resourceId ?? '<kubelet identity resource id>'} --query principalId`,
          needs: kid.resourceId ? `Microsoft.ManagedIdentity/userAssignedIdentities/read on ${kid.resourceId}` : 'the kubelet identity resource id',
        };
      return {
        status: 'pass',
        evidence: `Kubelet identity: ${name} (clientId ${kid.clientId ?? 'not reported'}, objectId ${kid.objectId}).${controlPlane}`,
      };
    }
    if (auth === 'service-principal') {
      const appId = cluster.servicePrincipalClientId as string;
      const sp = e.servicePrincipal;
      if (sp.state === 'ok' && sp.value.objectId)
        return {
          status: 'pass',
          evidence: `Cluster ${cluster.name} pulls with its service principal: appId ${appId}, objectId ${sp.value.objectId}.`,
        };
      const why = sp.state === 'failed' ? sp.failure.message : sp.state === 'skipped' ? sp.reason : 'Graph returned no objectId';
      return {
        status: 'pass',
        evidence: `Cluster ${cluster.name} pulls with its service principal, appId ${appId}. Its objectId could not be resolved (${why}), so the role checks cannot look up its assignments.`,
        needs: sp.state === 'failed' ? sp.failure.needs : undefined,
      };
    }
    return {
      status: 'unknown',
      evidence: `Cluster ${cluster.name} reports neither a managed identity (identity.type) nor a service principal (servicePrincipalProfile.clientId), so the pulling identity is not known.`,
      remediation: `Look at the cluster's identity with: az aks show -g ${cluster.resourceGroup} -n ${cluster.name} --query "{identity: identity, sp: servicePrincipalProfile, kubelet: identityProfile}"`,
      needs: 'a cluster read that returns identity and servicePrincipalProfile',
    };
  },
};

/**
 * Moving from a service principal to managed identity: until each node pool is upgraded its nodes pull with
 * the SP, so that is who the role checks judge (never a pass on the kubelet identity's grants alone).
 */
function migrating(e: Evidence, cluster: ClusterFacts): Outcome {
  const appId = cluster.servicePrincipalClientId as string;
  const kid = cluster.kubeletIdentity;
  const kubelet = kid
    ? `kubelet identity ${identityName(kid.resourceId) ?? kid.clientId ?? ''} (objectId ${kid.objectId ?? 'not reported'})`
    : 'no kubelet identity yet';
  const sp = e.servicePrincipal;
  const spObject = sp.state === 'ok' && sp.value.objectId ? `objectId ${sp.value.objectId}` : 'objectId not resolved';
  const pools = cluster.agentPools.map((p) => p.name).filter(Boolean);
  const upgrade = pools
    .map((p) => `az aks nodepool upgrade -g ${cluster.resourceGroup} --cluster-name ${cluster.name} -n ${p} --node-image-only`)
    .join('\n');
  return {
    status: 'warn',
    evidence:
      `Cluster ${cluster.name} was moved to managed identity (identity.type ${cluster.identity?.type ?? '?'}) but still names service principal ${appId} (servicePrincipalProfile.clientId): ` +
      `nodes of pools not upgraded since keep pulling with that service principal (${spObject}), not with the ${kubelet}. ` +
      `The role checks judge the service principal; whether a pool was upgraded since is not visible from the cluster read.`,
    remediation: `Give AcrPull to the kubelet identity as well, then upgrade every node pool's node image so the nodes switch to it (until then, the service principal's AcrPull is what pulls).`,
    command: upgrade || undefined,
    ...(sp.state === 'failed' && sp.failure.needs ? { needs: sp.failure.needs } : {}),
  };
}
