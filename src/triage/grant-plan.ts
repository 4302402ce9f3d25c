/**
 * The grant an approver may press: AcrPull (legacy) or Container Registry Repository Reader (ABAC) for the pulling
 * principal, at the registry's own scope, never broader (docs/domain.md#role-assignments-and-the-grant). A plan exists only when rbac.pull-role failed
 * and every input is known; anything doubtful gets no button rather than a wrong grant.
 */
import type { Evidence } from './evidence';
import type { Finding } from './report';
import type { GrantPlan } from './remediation';
import { compareTenants, pullPrincipal } from './principal';
import { azRoleAssignmentCreate, MODE_VALUES, pullRoleFor, registryMode } from './roles';

export function planGrant(evidence: Evidence, findings: readonly Finding[]): GrantPlan | undefined {
  if (!findings.some((f) => f.check === 'rbac.pull-role' && f.status === 'fail')) return undefined;
  if (evidence.cluster.state !== 'ok' || evidence.registry.state !== 'ok') return undefined;
  const cluster = evidence.cluster.value;
  const registry = evidence.registry.value;
  const who = pullPrincipal(evidence);
  if (who.state !== 'known') return undefined;
  // Across tenants a managed identity cannot be authorised, and an SP's objectId in its home tenant is not the one the
  // registry's tenant would need.
  if (compareTenants(evidence).state === 'different') return undefined;
  const mode = registryMode(registry);
  if (!mode.known) return undefined;
  const role = pullRoleFor(mode.mode);
  const principal = who.principal;
  return {
    scope: registry.id,
    registryName: registry.name,
    registryLoginServer: registry.loginServer,
    registryMode: MODE_VALUES[mode.mode],
    roleGuid: role.guid,
    roleName: role.name,
    roleDefinitionId: `/subscriptions/${registry.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.guid}`,
    principalId: principal.objectId,
    principalType: 'ServicePrincipal',
    principalName: principal.name,
    clusterId: cluster.id,
    clusterName: cluster.name,
    azCommand: azRoleAssignmentCreate({ principalObjectId: principal.objectId, roleName: role.name, scope: registry.id }),
  };
}
