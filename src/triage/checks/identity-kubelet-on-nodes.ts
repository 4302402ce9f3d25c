/**
 * identity.kubelet-on-nodes: the kubelet identity is still attached to every node scale set. Detached (a manual
 * `az vmss identity remove`, or a replaced kubelet identity not propagated), IMDS cannot issue the node a token → 401.
 */
import type { Check } from '../report';
import { pullAuth, identityName, requireCluster } from '../principal';

const NON_VMSS_POOL_TYPES = new Set(['availabilityset', 'virtualmachines']);

export const identityKubeletOnNodes: Check = {
  id: 'identity.kubelet-on-nodes',
  title: 'The kubelet identity is attached to the node scale sets',
  run(e) {
    const input = requireCluster(e);
    if (!input.ok) return { ...input.outcome, evidence: `${input.outcome.evidence} Without it the kubelet identity to look for is not known.` };
    const cluster = input.value;
    const auth = pullAuth(cluster);
    if (auth === 'service-principal')
      return { status: 'skip', evidence: `Cluster ${cluster.name} pulls with a service principal, not with an identity attached to its nodes.` };
    const kidId = cluster.kubeletIdentity?.resourceId;
    if (auth !== 'msi' || !kidId)
      return {
        status: 'unknown',
        evidence: `The kubelet identity resource id of cluster ${cluster.name} is not known (see identity.kubelet), so the node scale sets cannot be compared with it.`,
        remediation: 'Resolve identity.kubelet first.',
        needs: 'the kubelet identity resource id (properties.identityProfile.kubeletidentity.resourceId)',
      };
    const vmssPools = cluster.agentPools.filter((p) => !NON_VMSS_POOL_TYPES.has((p.type ?? 'VirtualMachineScaleSets').toLowerCase()));
    if (cluster.agentPools.length > 0 && vmssPools.length === 0)
      return {
        status: 'skip',
        evidence: `Cluster ${cluster.name} has no scale-set node pools (${cluster.agentPools.map((p) => `${p.name}: ${p.type}`).join(', ')}); this check reads VM scale sets only.`,
      };
    const name = identityName(kidId) ?? kidId;
    const nodeRg = cluster.nodeResourceGroup ?? 'the node resource group';
    const needs = `Reader on the node resource group ${nodeRg} (Microsoft.Compute/virtualMachineScaleSets/read)`;
    const v = e.vmss;
    if (v.state === 'failed')
      return {
        status: 'unknown',
        evidence: `The scale sets in ${nodeRg} could not be read: ${v.failure.message}`,
        remediation: `Give the bot Reader on ${nodeRg}, then check again.`,
        needs: v.failure.needs ?? needs,
      };
    if (v.state === 'skipped')
      return {
        status: 'unknown',
        evidence: `The scale sets in ${nodeRg} were not read: ${v.reason}`,
        remediation: 'Check again once the node resource group is known.',
        needs,
      };
    if (v.value.length === 0)
      return {
        status: 'unknown',
        evidence: `No scale set was found in ${nodeRg}, although cluster ${cluster.name} has scale-set node pools (${vmssPools.map((p) => p.name).join(', ')}); the bot may not see them.`,
        remediation: `Give the bot Reader on ${nodeRg}, then check again.`,
        needs,
      };
    const missing = v.value.filter((s) => !s.userAssignedIdentityIds.some((id) => id.toLowerCase() === kidId.toLowerCase()));
    if (missing.length > 0) {
      const command = `az aks update --resource-group ${cluster.resourceGroup} --name ${cluster.name} --subscription ${cluster.subscriptionId}`;
      return {
        status: 'fail',
        evidence: `${missing.map((s) => `VMSS ${s.name}`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not carry identity ${name} (${kidId}); nodes there cannot get a token to pull with.`,
        remediation: `Reconcile cluster ${cluster.name} with an empty update, which re-attaches the kubelet identity. Do not hand-edit resources in ${nodeRg}.`,
        command,
      };
    }
    return {
      status: 'pass',
      evidence: `All ${v.value.length} scale set(s) in ${nodeRg} carry identity ${name}: ${v.value.map((s) => s.name).join(', ')}.`,
    };
  },
};
