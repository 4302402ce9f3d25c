/**
 * Grant plans: what the approval button would create, derived from the evidence of a triage. A plan is
 * data (stored server-side, re-validated when an approver presses the button); src/azure/grant.ts carries
 * it out. Never Owner/Contributor, never above the registry's scope.
 */
export interface GrantPlan {
  /** The registry resource id: the only scope a plan ever targets. */
  scope: string;
  registryName: string;
  registryLoginServer: string;
  /** LegacyRegistryPermissions | AbacRepositoryPermissions (decides the role). */
  registryMode: string;
  roleGuid: string;
  roleName: string;
  /** `/subscriptions/{registrySub}/providers/Microsoft.Authorization/roleDefinitions/{roleGuid}` */
  roleDefinitionId: string;
  /** Kubelet identity objectId (or the cluster's service principal objectId). */
  principalId: string;
  principalType: 'ServicePrincipal';
  /** `aks-prod-agentpool` or the SP's appId — for people. */
  principalName: string;
  clusterId: string;
  clusterName: string;
  /** ABAC only: restricts the grant to one repository. Absent = whole registry. */
  condition?: string;
  conditionVersion?: '2.0';
  /** The equivalent Azure CLI command, for people who prefer to run it themselves. */
  azCommand: string;
}

export { planGrant } from './grant-plan';
