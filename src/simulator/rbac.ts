/**
 * Role-based access as ARM evaluates it, over the world: role definitions (built-in + custom), transitive group
 * membership, assignments at or above a scope, deny assignments, and the registry pull decision per
 * `roleAssignmentMode` (docs/domain.md#registry-modes-and-pull-roles), including ABAC repository conditions.
 */
import type { ArmResource, ArmRoleAssignment, ArmRoleDefinition, World } from './scenario';
import { builtInRoleDefinitions } from './role-catalog';
import { isAtOrAbove, lastSegment } from './resource-ids';

export type Permission = ArmRoleDefinition['properties']['permissions'][number];

const BUILT_IN = builtInRoleDefinitions();

export function allRoleDefinitions(world: World): ArmRoleDefinition[] {
  return [...BUILT_IN, ...(world.roleDefinitions ?? [])];
}

/** By GUID or by any id ending in the GUID (assignments carry subscription-qualified ids). */
export function findRoleDefinition(world: World, idOrGuid: string): ArmRoleDefinition | undefined {
  const guid = lastSegment(idOrGuid).toLowerCase();
  return allRoleDefinitions(world).find((definition) => definition.name.toLowerCase() === guid);
}

/** The principal and every group that contains it, directly or through other groups (lowercase ids). */
export function principalClosure(world: World, principalId: string): Set<string> {
  const closure = new Set([principalId.toLowerCase()]);
  const groups = Object.entries(world.groups ?? {});
  let grew = true;
  while (grew) {
    grew = false;
    for (const [group, members] of groups) {
      const key = group.toLowerCase();
      if (!closure.has(key) && members.some((member) => closure.has(member.toLowerCase()))) {
        closure.add(key);
        grew = true;
      }
    }
  }
  return closure;
}

export function assignmentsCovering(world: World, scope: string, principalId: string): ArmRoleAssignment[] {
  const closure = principalClosure(world, principalId);
  return world.roleAssignments.filter(
    (assignment) => closure.has(assignment.properties.principalId.toLowerCase()) && isAtOrAbove(assignment.properties.scope, scope),
  );
}

function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

export function operationMatches(patterns: readonly string[] | undefined, operation: string): boolean {
  return (patterns ?? []).some((pattern) => wildcardToRegExp(pattern).test(operation));
}

export function permits(permissions: readonly Permission[], operation: string, kind: 'action' | 'dataAction'): boolean {
  return permissions.some((p) =>
    kind === 'action'
      ? operationMatches(p.actions, operation) && !operationMatches(p.notActions, operation)
      : operationMatches(p.dataActions, operation) && !operationMatches(p.notDataActions, operation),
  );
}

/** What `…/providers/Microsoft.Authorization/permissions` answers for the caller at a scope. */
export function callerPermissionsAt(world: World, scope: string): Permission[] {
  if (world.callerPermissions) {
    return Object.entries(world.callerPermissions)
      .filter(([prefix]) => isAtOrAbove(prefix, scope))
      .flatMap(([, permissions]) => permissions);
  }
  return assignmentsCovering(world, scope, world.caller.principalId).flatMap(
    (assignment) => findRoleDefinition(world, assignment.properties.roleDefinitionId)?.properties.permissions ?? [],
  );
}

export function deniedBy(world: World, scope: string, principalId: string, operation: string, kind: 'action' | 'dataAction'): boolean {
  const closure = principalClosure(world, principalId);
  return (world.denyAssignments ?? []).some((deny) => {
    const p = deny.properties;
    if (!isAtOrAbove(p.scope, scope)) return false;
    const everyone = p.principals.some((x) => x.id === '00000000-0000-0000-0000-000000000000');
    const targeted = everyone || p.principals.some((x) => closure.has(x.id.toLowerCase()));
    const excluded = (p.excludePrincipals ?? []).some((x) => closure.has(x.id.toLowerCase()));
    return targeted && !excluded && permits(p.permissions, operation, kind);
  });
}

export const PULL_ACTION = 'Microsoft.ContainerRegistry/registries/pull/read';
export const REPOSITORY_READ_DATA_ACTION = 'Microsoft.ContainerRegistry/registries/repositories/content/read';

const REPOSITORY_CLAUSE =
  /@Request\[Microsoft\.ContainerRegistry\/registries\/repositories:name\]\s+(StringEqualsIgnoreCase|StringEquals|StringStartsWithIgnoreCase|StringStartsWith)\s+'([^']*)'/gi;

/**
 * Whether an ABAC condition admits a repository. Only the documented shape is understood — a list of
 * repository-name clauses joined by OR; anything else is refused, as a real evaluation of an unknown
 * condition must not grant more than written.
 */
export function conditionAdmits(condition: string | null | undefined, repository: string | undefined): boolean {
  if (!condition) return true;
  if (repository === undefined) return true;
  const clauses = [...condition.matchAll(REPOSITORY_CLAUSE)];
  return clauses.some(([, operator, value]) => {
    const op = (operator ?? '').toLowerCase();
    const ignoreCase = op.endsWith('ignorecase');
    const actual = ignoreCase ? repository.toLowerCase() : repository;
    const expected = ignoreCase ? (value ?? '').toLowerCase() : (value ?? '');
    return op.startsWith('stringequals') ? actual === expected : actual.startsWith(expected);
  });
}

export function isAbacRegistry(registry: ArmResource): boolean {
  return String(registry.properties?.['roleAssignmentMode'] ?? '').toLowerCase() === 'abacrepositorypermissions';
}

/** Whether `principalId` may pull from the registry (and, when given, from that repository). */
export function canPull(world: World, registry: ArmResource, principalId: string, repository?: string): boolean {
  const abac = isAbacRegistry(registry);
  const grants = assignmentsCovering(world, registry.id, principalId).some((assignment) => {
    const permissions = findRoleDefinition(world, assignment.properties.roleDefinitionId)?.properties.permissions ?? [];
    return abac
      ? permits(permissions, REPOSITORY_READ_DATA_ACTION, 'dataAction') && conditionAdmits(assignment.properties.condition, repository)
      : permits(permissions, PULL_ACTION, 'action');
  });
  if (!grants) return false;
  return abac
    ? !deniedBy(world, registry.id, principalId, REPOSITORY_READ_DATA_ACTION, 'dataAction')
    : !deniedBy(world, registry.id, principalId, PULL_ACTION, 'action');
}
