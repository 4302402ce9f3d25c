/**
 * Scenario builders for ids, the subscription, managed identities and authorization (roles, assignments, deny
 * assignments, ABAC conditions), in REST wire form. See builders.ts.
 */
import type { ArmDenyAssignment, ArmResource, ArmRoleAssignment, ArmRoleDefinition } from '../scenario';
import { guid } from './ids';
import { LOCATION, TIMES, subscriptionInfo } from './estate';

// ---------------------------------------------------------------------------------------------
// Ids

export function rgId(sub: string, rg: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}`;
}

export function armId(sub: string, rg: string, provider: string, type: string, name: string): string {
  return `${rgId(sub, rg)}/providers/${provider}/${type}/${name}`;
}

export function subscriptionScope(sub: string): string {
  return `/subscriptions/${sub}`;
}

/** AKS reports kubelet identity ids with a lowercase `resourcegroups`; VMSS identity maps do too. Kept, so checks must compare ids case-insensitively. */
export function aksStyleId(id: string): string {
  return id.replace('/resourceGroups/', '/resourcegroups/');
}

// ---------------------------------------------------------------------------------------------
// Subscription

export function subscription(sub: string): { subscriptionId: string; tenantId: string; displayName: string } {
  const info = subscriptionInfo(sub);
  return { subscriptionId: info.subscriptionId, tenantId: info.tenantId, displayName: info.displayName };
}

// ---------------------------------------------------------------------------------------------
// Managed identities

export interface Identity {
  name: string;
  /** ARM id as the identity resource reports it. */
  resourceId: string;
  clientId: string;
  /** Object id: what role assignments name. */
  principalId: string;
  tenantId: string;
  resource: ArmResource;
}

export function userAssignedIdentity(o: {
  name: string;
  rg: string;
  sub: string;
  /** Fixed ids (the bot's are known up front); default: derived from the resource id. */
  principalId?: string;
  clientId?: string;
  tags?: Record<string, string>;
}): Identity {
  const resourceId = armId(o.sub, o.rg, 'Microsoft.ManagedIdentity', 'userAssignedIdentities', o.name);
  const key = resourceId.toLowerCase();
  const tenantId = subscriptionInfo(o.sub).tenantId;
  const principalId = o.principalId ?? guid('uai-principal', key);
  const clientId = o.clientId ?? guid('uai-client', key);
  return {
    name: o.name,
    resourceId,
    clientId,
    principalId,
    tenantId,
    resource: {
      id: resourceId,
      name: o.name,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      location: LOCATION,
      ...(o.tags ? { tags: o.tags } : {}),
      properties: { tenantId, principalId, clientId },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Authorization

/** Built-in roles the scenarios use (docs/domain.md#registry-modes-and-pull-roles, plus the AKS/RBAC-admin roles the bot holds). */
export const ROLES = {
  AcrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  AcrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  RepositoryReader: 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
  RbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  AksRbacReader: '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
} as const;

export type RoleName = keyof typeof ROLES;

function scopeSubscription(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
}

export function roleDefinitionIdFor(guidOfRole: string, scope: string): string {
  const sub = scopeSubscription(scope);
  return sub
    ? `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guidOfRole}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${guidOfRole}`;
}

export function roleAssignment(o: {
  role: RoleName | ArmRoleDefinition;
  principal: string;
  scope: string;
  principalType?: 'ServicePrincipal' | 'User' | 'Group' | 'ForeignGroup';
  condition?: string;
  description?: string;
}): ArmRoleAssignment {
  const roleGuid = typeof o.role === 'string' ? ROLES[o.role] : o.role.name;
  const name = guid('role-assignment', o.scope.toLowerCase(), roleGuid, o.principal);
  return {
    id: `${o.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: roleDefinitionIdFor(roleGuid, o.scope),
      principalId: o.principal,
      principalType: o.principalType ?? 'ServicePrincipal',
      scope: o.scope,
      condition: o.condition ?? null,
      conditionVersion: o.condition ? '2.0' : null,
      description: o.description ?? null,
      createdOn: TIMES.assigned,
    },
  };
}

export function customRole(o: {
  roleName: string;
  sub: string;
  description: string;
  actions?: string[];
  dataActions?: string[];
  assignableScopes?: string[];
}): ArmRoleDefinition {
  const name = guid('custom-role', o.sub, o.roleName);
  return {
    id: `/subscriptions/${o.sub}/providers/Microsoft.Authorization/roleDefinitions/${name}`,
    name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: o.roleName,
      type: 'CustomRole',
      description: o.description,
      permissions: [{ actions: o.actions ?? [], notActions: [], dataActions: o.dataActions ?? [], notDataActions: [] }],
      assignableScopes: o.assignableScopes ?? [`/subscriptions/${o.sub}`],
    },
  };
}

export function denyAssignment(o: {
  denyAssignmentName: string;
  scope: string;
  description: string;
  actions?: string[];
  dataActions?: string[];
  principals: { id: string; type: string }[];
  excludePrincipals?: { id: string; type: string }[];
}): ArmDenyAssignment {
  const name = guid('deny-assignment', o.scope.toLowerCase(), o.denyAssignmentName);
  return {
    id: `${o.scope}/providers/Microsoft.Authorization/denyAssignments/${name}`,
    name,
    properties: {
      denyAssignmentName: o.denyAssignmentName,
      description: o.description,
      permissions: [{ actions: o.actions ?? [], notActions: [], dataActions: o.dataActions ?? [], notDataActions: [] }],
      scope: o.scope,
      principals: o.principals,
      excludePrincipals: o.excludePrincipals ?? [],
    },
  };
}

/** The ABAC condition that limits a repository role to repositories whose name starts with `prefix` (docs/domain.md#abac-conditions). */
export function repositoryPrefixCondition(prefix: string): string {
  return (
    "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})" +
    " AND !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'}))" +
    ` OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWithIgnoreCase '${prefix}'))`
  );
}
