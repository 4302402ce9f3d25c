/**
 * rbac.misassigned: a pull role exists, but for the wrong principal — the control-plane identity, an old kubelet identity
 * (after --assign-kubelet-identity) or a deleted principal. Explains "but we did attach the registry!" (docs/domain.md#kubelet-identity).
 */
import { scopeCovers } from '../evidence';
import type { RoleAssignmentFact } from '../evidence';
import type { Check } from '../report';
import { describePrincipal, identityName, requireCluster, requirePullPrincipal, requireRead, requireRegistry } from '../principal';
import { azRoleAssignmentCreate, judgeRole, pullRoleFor, registryMode, roleGuidOf } from '../roles';

interface Misassignment {
  assignment: RoleAssignmentFact;
  roleName: string;
  why: string;
}

export const rbacMisassigned: Check = {
  id: 'rbac.misassigned',
  title: 'Pull roles are not held by the wrong identity',
  run(e) {
    if (e.target.registry.kind === 'external')
      return { status: 'skip', evidence: `${e.target.registry.host} is not an Azure Container Registry; Azure role assignments do not apply.` };
    const reg = requireRegistry(e);
    if (!reg.ok) return reg.outcome;
    const registry = reg.value;
    const cl = requireCluster(e);
    if (!cl.ok) return { ...cl.outcome, evidence: `${cl.outcome.evidence} Without it the cluster's identities are not known.` };
    const cluster = cl.value;
    const who = requirePullPrincipal(e, `whether pull roles on ${registry.name} are held by the wrong identity`);
    if (!who.ok) return who.outcome;
    const principal = who.value;
    const mode = registryMode(registry);
    if (!mode.known)
      return {
        status: 'unknown',
        evidence: `Registry ${registry.name} reports roleAssignmentMode "${mode.value}", which this tool does not know, so pull roles cannot be told apart.`,
        remediation: `Check the registry's permissions mode: az acr show -n ${registry.name} --query roleAssignmentMode`,
        needs: 'a roleAssignmentMode of LegacyRegistryPermissions or AbacRepositoryPermissions',
      };
    const assignmentsNeeds = `Microsoft.Authorization/roleAssignments/read on ${registry.id} (any Reader)`;
    const all = requireRead(e.scopeAssignments, `The role assignments on ${registry.name}`, assignmentsNeeds);
    if (!all.ok) return all.outcome;

    const pulling = all.value
      .filter((a) => scopeCovers(a.scope, registry.id))
      .map((a) => ({ a, role: judgeRole(a.roleGuid || roleGuidOf(a.roleDefinitionId), mode.mode, e.roleDefinitions, registry.id) }))
      .filter((x) => x.role.answer === 'yes' || x.role.answer === 'maybe');
    const others = pulling.filter((x) => x.a.principalId.toLowerCase() !== principal.objectId);
    const controlPlane = cluster.identity?.principalId?.toLowerCase();
    const ownKubeletName = `${cluster.name}-agentpool`.toLowerCase();
    const nodeGroup = cluster.nodeResourceGroup?.toLowerCase();
    const inNodeResourceGroup = (resourceId: string | undefined): boolean =>
      nodeGroup !== undefined && resourceId !== undefined && resourceId.toLowerCase().includes(`/resourcegroups/${nodeGroup}/`);
    const known = e.principals.state === 'ok' ? e.principals.value : [];
    const found: Misassignment[] = [];
    for (const { a, role } of others) {
      const id = a.principalId.toLowerCase();
      const p = known.find((k) => k.principalId.toLowerCase() === id);
      // AKS names kubelet identities <cluster>-agentpool, in the node resource group. Another cluster's kubelet
      // identity sharing the registry is normal; only one that belonged to *this* cluster is a stale grant.
      const names = [p?.displayName, identityName(p?.resourceId)].filter((n): n is string => Boolean(n));
      const kubeletLike = names.some((n) => n.toLowerCase() === ownKubeletName) || inNodeResourceGroup(p?.resourceId);
      if (id === controlPlane)
        found.push({ assignment: a, roleName: role.roleName, why: `the cluster's control-plane identity, which is not used for pulls` });
      else if (kubeletLike)
        found.push({
          assignment: a,
          roleName: role.roleName,
          why: `${names[0]}, a kubelet identity that is not the one cluster ${cluster.name} uses now`,
        });
      else if (a.principalType?.toLowerCase() === 'unknown')
        found.push({ assignment: a, roleName: role.roleName, why: 'a principal that no longer exists in the directory' });
    }

    const pullerHolds = pulling.some((x) => x.a.principalId.toLowerCase() === principal.objectId);
    const target = describePrincipal(principal);
    if (found.length > 0) {
      const list = found.map((m) => `${m.roleName} is assigned to ${m.assignment.principalId} (${m.why})`).join('; ');
      const grant = pullRoleFor(mode.mode);
      return {
        status: 'warn',
        evidence: `${list} — not to the ${target}.`,
        remediation: pullerHolds
          ? `The ${target} holds its own pull role, so these assignments are stale: remove them.`
          : `Grant ${grant.name} on ${registry.name} to the ${target}; optionally remove the stale assignment${found.length === 1 ? '' : 's'}.`,
        command: pullerHolds
          ? `az role assignment delete --ids ${found.map((m) => m.assignment.id).join(' ')}`
          : azRoleAssignmentCreate({ principalObjectId: principal.objectId, roleName: grant.name, scope: registry.id }),
      };
    }
    const unidentified = others.filter((x) => !known.some((k) => k.principalId.toLowerCase() === x.a.principalId.toLowerCase()));
    if (e.principals.state !== 'ok' && unidentified.length > 0) {
      const p = e.principals;
      return {
        status: 'unknown',
        evidence: `${unidentified.length} other principal(s) hold pull roles on ${registry.name} (${unidentified.map((x) => x.a.principalId).join(', ')}) and could not be identified${p.state === 'failed' ? `: ${p.failure.message}` : `: ${p.reason}`}; one may be an old kubelet identity.`,
        remediation: `Identify them with: az ad sp show --id <principalId> --query displayName`,
        needs: (p.state === 'failed' ? p.failure.needs : undefined) ?? 'Resource Graph read of managed identities (Reader on their subscriptions)',
      };
    }
    return {
      status: 'pass',
      evidence: `${pulling.length} pull-granting assignment(s) at or above ${registry.name}; none is held by the control-plane identity, an old kubelet identity or a deleted principal.`,
    };
  },
};
