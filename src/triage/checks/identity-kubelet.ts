/**
 * identity.kubelet: which principal the nodes pull with (docs/domain.md#kubelet-identity). Role assignments must name the kubelet
 * identity's objectId — not the control-plane identity, which is the most common mix-up.
 */
import type { Check } from '../report';
import { clusterAuth, identityName, requireCluster } from '../principal';

export const identityKubelet: Check = {
  id: 'identity.kubelet',
  title: 'The identity the nodes pull with is known',
  run(e) {
    const input = requireCluster(e);
    if (!input.ok) return { ...input.outcome, evidence: `${input.outcome.evidence} Without it the pulling identity is not known.` };
    const cluster = input.value;
    const auth = clusterAuth(cluster);
    if (auth === 'msi') {
      const kid = cluster.kubeletIdentity;
      const controlPlane = cluster.identity?.principalId
        ? ` The control-plane identity ${cluster.identity.principalId} is NOT used for pulls.`
        : '';
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
        return { status: 'pass', evidence: `Cluster ${cluster.name} pulls with its service principal: appId ${appId}, objectId ${sp.value.objectId}.` };
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
