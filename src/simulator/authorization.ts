/**
 * Microsoft.Authorization at any scope: role assignments (list with ARM's `$filter` forms, GET/PUT/DELETE), role
 * definitions, deny assignments and the caller's permissions. PUT applies ARM's validation and conflict rules
 * and mutates the world, so a later list sees the new assignment.
 */
import type { ArmRoleAssignment, ArmRoleDefinition, World } from './scenario';
import { armError, GUID_PATTERN, isRecord, jsonResponse, parseJsonBody, type EmuRequest, type EmuResponse } from './wire';
import { denyRead } from './access';
import { isAtOrAbove, normalizeScope, parseArmPath, sameId, subscriptionOf } from './resource-ids';
import { allRoleDefinitions, callerPermissionsAt, deniedBy, findRoleDefinition, permits, principalClosure } from './rbac';
import { findResource, resourceGroupExists } from './resources';
import { knownPrincipals } from './principals';
import { pageOf } from './paging';

const PROVIDER = '/providers/microsoft.authorization/';
const PRINCIPAL_TYPES = new Set(['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device']);

export interface AuthorizationContext {
  world: World;
  pageSize: number;
}

/** Splits `{scope}/providers/Microsoft.Authorization/{rest}`; undefined when the path is not an authorization path. */
export function splitAuthorizationPath(path: string): { scope: string; rest: string[] } | undefined {
  const index = path.toLowerCase().lastIndexOf(PROVIDER);
  if (index < 0) return undefined;
  return {
    scope: normalizeScope(path.slice(0, index)),
    rest: path
      .slice(index + PROVIDER.length)
      .split('/')
      .filter((s) => s !== ''),
  };
}

interface Filter {
  atScope: boolean;
  assignedTo?: string;
  principalId?: string;
}

const FILTER_TERMS: [RegExp, (f: Filter, value: string) => void][] = [
  [/^atScope\(\)$/i, (f) => (f.atScope = true)],
  [/^assignedTo\('([^']+)'\)$/i, (f, v) => (f.assignedTo = v)],
  [/^principalId\s+eq\s+'([^']+)'$/i, (f, v) => (f.principalId = v)],
];

/** ARM's supported role/deny-assignment filters: `atScope()`, `assignedTo('{id}')`, `principalId eq '{id}'`, joined by `and`. */
export function parseAssignmentFilter(filter: string | undefined): Filter | EmuResponse {
  const result: Filter = { atScope: false };
  if (filter === undefined || filter.trim() === '') return result;
  const seen = new Set<number>();
  for (const term of filter.trim().split(/\s+and\s+/i)) {
    const index = FILTER_TERMS.findIndex(([pattern]) => pattern.test(term.trim()));
    const entry = FILTER_TERMS[index];
    if (!entry || seen.has(index)) return invalidFilter(filter);
    seen.add(index);
    entry[1](result, entry[0].exec(term.trim())?.[1] ?? '');
  }
  if (result.assignedTo !== undefined && result.principalId !== undefined) return invalidFilter(filter);
  return result;
}

function invalidFilter(filter: string): EmuResponse {
  return armError(
    400,
    'InvalidFilter',
    `The filter '${filter}' is not supported. Supported filters are atScope(), assignedTo('{objectId}') and principalId eq '{objectId}', optionally combined with 'and'.`,
  );
}

function scopeMatches(filter: Filter, assignmentScope: string, requestScope: string): boolean {
  if (isAtOrAbove(assignmentScope, requestScope)) return true;
  return !filter.atScope && isAtOrAbove(requestScope, assignmentScope);
}

function principalMatches(world: World, filter: Filter, principalIds: string[]): boolean {
  const ids = principalIds.map((id) => id.toLowerCase());
  if (filter.principalId !== undefined) return ids.includes(filter.principalId.toLowerCase());
  if (filter.assignedTo !== undefined) {
    const closure = principalClosure(world, filter.assignedTo);
    return ids.some((id) => closure.has(id));
  }
  return true;
}

function restAssignment(assignment: ArmRoleAssignment): ArmRoleAssignment {
  return { ...assignment, type: assignment.type ?? 'Microsoft.Authorization/roleAssignments' };
}

function readDenied(ctx: AuthorizationContext, scope: string, action: string): EmuResponse | undefined {
  return denyRead(ctx.world, scope, action);
}

export function handleAuthorization(ctx: AuthorizationContext, request: EmuRequest, scope: string, rest: string[]): EmuResponse {
  const [collection, name, ...extra] = rest;
  const kind = (collection ?? '').toLowerCase();
  if (extra.length > 0)
    return armError(
      404,
      'InvalidResourceType',
      `The resource type '${rest.join('/')}' could not be found in the namespace 'Microsoft.Authorization'.`,
    );
  if (kind === 'roleassignments') {
    if (name === undefined) return request.method === 'GET' ? listRoleAssignments(ctx, request, scope) : methodNotAllowed(request);
    if (request.method === 'GET') return getRoleAssignment(ctx, scope, name);
    if (request.method === 'PUT') return putRoleAssignment(ctx, request, scope, name);
    if (request.method === 'DELETE') return deleteRoleAssignment(ctx, scope, name);
    return methodNotAllowed(request);
  }
  if (request.method !== 'GET') return methodNotAllowed(request);
  if (kind === 'roledefinitions') return name === undefined ? listRoleDefinitions(ctx, request, scope) : getRoleDefinition(ctx, scope, name);
  if (kind === 'denyassignments') return name === undefined ? listDenyAssignments(ctx, request, scope) : getDenyAssignment(ctx, scope, name);
  if (kind === 'permissions' && name === undefined) return listPermissions(ctx, request, scope);
  return armError(
    404,
    'InvalidResourceType',
    `The resource type '${collection ?? ''}' could not be found in the namespace 'Microsoft.Authorization'.`,
  );
}

function methodNotAllowed(request: EmuRequest): EmuResponse {
  return armError(405, 'MethodNotAllowed', `The emulator does not support ${request.method} on ${request.path}.`);
}

function listRoleAssignments(ctx: AuthorizationContext, request: EmuRequest, scope: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/roleAssignments/read');
  if (denied) return denied;
  const filter = parseAssignmentFilter(request.query['$filter']);
  if ('status' in filter) return filter;
  const items = ctx.world.roleAssignments
    .filter((a) => scopeMatches(filter, a.properties.scope, scope) && principalMatches(ctx.world, filter, [a.properties.principalId]))
    .map(restAssignment);
  return jsonResponse(200, pageOf(request, items, ctx.pageSize));
}

function findAssignment(world: World, scope: string, name: string): ArmRoleAssignment | undefined {
  return world.roleAssignments.find((a) => a.name.toLowerCase() === name.toLowerCase() && sameId(a.properties.scope, scope));
}

function getRoleAssignment(ctx: AuthorizationContext, scope: string, name: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/roleAssignments/read');
  if (denied) return denied;
  const assignment = findAssignment(ctx.world, scope, name);
  return assignment
    ? jsonResponse(200, restAssignment(assignment))
    : armError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
}

function missingScope(world: World, scope: string): EmuResponse | undefined {
  const parsed = parseArmPath(scope);
  if (!parsed?.subscriptionId) return undefined;
  if (parsed.resourceGroup && !resourceGroupExists(world, parsed.subscriptionId, parsed.resourceGroup)) {
    return armError(404, 'ResourceGroupNotFound', `Resource group '${parsed.resourceGroup}' could not be found.`);
  }
  if (parsed.namespace && !findResource(world, scope)) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource '${parsed.namespace}/${parsed.typeSegments.join('/')}' under resource group '${parsed.resourceGroup ?? ''}' was not found.`,
    );
  }
  return undefined;
}

function writeDenied(ctx: AuthorizationContext, scope: string, assignmentId: string, action: string): EmuResponse | undefined {
  const world = ctx.world;
  const allowed = permits(callerPermissionsAt(world, scope), action, 'action') && !deniedBy(world, scope, world.caller.principalId, action, 'action');
  if (allowed) return undefined;
  const oid = world.caller.principalId;
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${oid}' with object id '${oid}' does not have authorization or an ABAC condition not fulfilled to perform action '${action}' over scope '${assignmentId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

function optionalString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

function putRoleAssignment(ctx: AuthorizationContext, request: EmuRequest, scope: string, name: string): EmuResponse {
  const world = ctx.world;
  if (!GUID_PATTERN.test(name)) {
    return armError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  }
  const assignmentId = `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/roleAssignments/write') ?? missingScope(world, scope);
  if (denied) return denied;
  const forbidden = writeDenied(ctx, scope, assignmentId, 'Microsoft.Authorization/roleAssignments/write');
  if (forbidden) return forbidden;

  const body = parseJsonBody(request);
  const properties = isRecord(body) ? body['properties'] : undefined;
  if (!isRecord(properties)) {
    return armError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: a JSON object with "properties" is required.',
    );
  }
  const { roleDefinitionId, principalId, principalType, condition, conditionVersion, description } = properties;
  if (typeof roleDefinitionId !== 'string' || !/\/providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i.test(roleDefinitionId)) {
    return armError(400, 'InvalidRoleDefinitionId', `The role definition ID '${String(roleDefinitionId)}' is not valid.`);
  }
  const definition = findRoleDefinition(world, roleDefinitionId);
  if (!definition) {
    return armError(
      400,
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${roleDefinitionId.split('/').pop() ?? ''}' does not exist.`,
    );
  }
  if (typeof principalId !== 'string' || !GUID_PATTERN.test(principalId)) {
    return armError(400, 'InvalidPrincipalId', 'A valid principal ID must be provided for role assignment.');
  }
  if (principalType !== undefined && (typeof principalType !== 'string' || !PRINCIPAL_TYPES.has(principalType))) {
    return armError(
      400,
      'InvalidRequestContent',
      `The principalType '${String(principalType)}' is not valid. Use one of ${[...PRINCIPAL_TYPES].join(', ')}.`,
    );
  }
  if (!optionalString(condition) || !optionalString(conditionVersion) || !optionalString(description)) {
    return armError(400, 'InvalidRequestContent', 'condition, conditionVersion and description must be strings when present.');
  }
  if (condition && conditionVersion && conditionVersion !== '2.0') {
    return armError(400, 'InvalidConditionVersion', `The condition version '${conditionVersion}' is not supported. Use '2.0'.`);
  }
  if (principalType === undefined && !knownPrincipals(world).has(principalId.toLowerCase())) {
    const tenant = world.caller.tenantId;
    return armError(
      400,
      'PrincipalNotFound',
      `Principal ${principalId.replace(/-/g, '')} does not exist in the directory ${tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }

  const sameRole = (a: ArmRoleAssignment): boolean =>
    findRoleDefinition(world, a.properties.roleDefinitionId)?.name.toLowerCase() === definition.name.toLowerCase() &&
    a.properties.principalId.toLowerCase() === principalId.toLowerCase() &&
    sameId(a.properties.scope, scope);
  const byName = world.roleAssignments.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (byName) {
    if (sameRole(byName) && (byName.properties.condition ?? null) === (condition ?? null)) return jsonResponse(200, restAssignment(byName));
    return armError(409, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
  }
  const existing = world.roleAssignments.find((a) => sameRole(a) && (a.properties.condition ?? null) === (condition ?? null));
  if (existing) {
    return armError(
      409,
      'RoleAssignmentExists',
      `The role assignment already exists. The ID of the existing role assignment is ${existing.name.replace(/-/g, '')}.`,
    );
  }

  const now = new Date().toISOString();
  const created: ArmRoleAssignment = {
    id: assignmentId,
    name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId,
      principalId,
      ...(principalType !== undefined ? { principalType } : {}),
      scope,
      condition: condition ?? null,
      conditionVersion: condition ? (conditionVersion ?? '2.0') : null,
      description: description ?? null,
      createdOn: now,
    },
  };
  world.roleAssignments.push(created);
  return jsonResponse(201, {
    ...created,
    properties: { ...created.properties, updatedOn: now, createdBy: world.caller.principalId, updatedBy: world.caller.principalId },
  });
}

function deleteRoleAssignment(ctx: AuthorizationContext, scope: string, name: string): EmuResponse {
  const world = ctx.world;
  const assignmentId = `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const denied =
    readDenied(ctx, scope, 'Microsoft.Authorization/roleAssignments/delete') ??
    writeDenied(ctx, scope, assignmentId, 'Microsoft.Authorization/roleAssignments/delete');
  if (denied) return denied;
  const assignment = findAssignment(world, scope, name);
  if (!assignment) return { status: 204, headers: {} };
  world.roleAssignments.splice(world.roleAssignments.indexOf(assignment), 1);
  return jsonResponse(200, restAssignment(assignment));
}

/** Built-in definitions are answered under the subscription of the scope, as ARM does. */
function definitionAt(definition: ArmRoleDefinition, scope: string): ArmRoleDefinition {
  const subscriptionId = subscriptionOf(scope);
  const prefix = subscriptionId && definition.properties.type === 'BuiltInRole' ? `/subscriptions/${subscriptionId}` : '';
  const id =
    definition.properties.type === 'BuiltInRole' ? `${prefix}/providers/Microsoft.Authorization/roleDefinitions/${definition.name}` : definition.id;
  return { ...definition, id, type: definition.type ?? 'Microsoft.Authorization/roleDefinitions' };
}

function assignableAt(definition: ArmRoleDefinition, scope: string): boolean {
  return definition.properties.assignableScopes.some((assignable) => isAtOrAbove(assignable, scope) || isAtOrAbove(scope, assignable));
}

function getRoleDefinition(ctx: AuthorizationContext, scope: string, guid: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/roleDefinitions/read');
  if (denied) return denied;
  const definition = findRoleDefinition(ctx.world, guid);
  if (!definition || !assignableAt(definition, scope)) {
    return armError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`);
  }
  return jsonResponse(200, definitionAt(definition, scope));
}

function listRoleDefinitions(ctx: AuthorizationContext, request: EmuRequest, scope: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/roleDefinitions/read');
  if (denied) return denied;
  const filter = request.query['$filter']?.trim();
  let roleName: string | undefined;
  if (filter) {
    const match = /^roleName\s+eq\s+'([^']+)'$/i.exec(filter);
    if (!match) return armError(400, 'InvalidFilter', `The filter '${filter}' is not supported. Supported: roleName eq '{name}'.`);
    roleName = match[1];
  }
  const items = allRoleDefinitions(ctx.world)
    .filter((d) => assignableAt(d, scope) && (roleName === undefined || d.properties.roleName.toLowerCase() === roleName.toLowerCase()))
    .map((d) => definitionAt(d, scope));
  return jsonResponse(200, pageOf(request, items, ctx.pageSize));
}

function listDenyAssignments(ctx: AuthorizationContext, request: EmuRequest, scope: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/denyAssignments/read');
  if (denied) return denied;
  const filter = parseAssignmentFilter(request.query['$filter']);
  if ('status' in filter) return filter;
  const items = (ctx.world.denyAssignments ?? [])
    .filter((deny) => {
      if (!scopeMatches(filter, deny.properties.scope, scope)) return false;
      if (filter.assignedTo === undefined && filter.principalId === undefined) return true;
      const ids = deny.properties.principals.map((p) => p.id);
      const everyone = ids.includes('00000000-0000-0000-0000-000000000000');
      const excluded =
        filter.assignedTo !== undefined &&
        (deny.properties.excludePrincipals ?? []).some((p) => principalClosure(ctx.world, filter.assignedTo ?? '').has(p.id.toLowerCase()));
      return (everyone || principalMatches(ctx.world, filter, ids)) && !excluded;
    })
    .map((deny) => ({ type: 'Microsoft.Authorization/denyAssignments', ...deny }));
  return jsonResponse(200, pageOf(request, items, ctx.pageSize));
}

function getDenyAssignment(ctx: AuthorizationContext, scope: string, name: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/denyAssignments/read');
  if (denied) return denied;
  const deny = (ctx.world.denyAssignments ?? []).find((d) => d.name.toLowerCase() === name.toLowerCase() && sameId(d.properties.scope, scope));
  return deny
    ? jsonResponse(200, { type: 'Microsoft.Authorization/denyAssignments', ...deny })
    : armError(404, 'DenyAssignmentNotFound', `The deny assignment '${name}' is not found.`);
}

function listPermissions(ctx: AuthorizationContext, request: EmuRequest, scope: string): EmuResponse {
  const denied = readDenied(ctx, scope, 'Microsoft.Authorization/permissions/read');
  if (denied) return denied;
  const value = callerPermissionsAt(ctx.world, scope).map((p) => ({
    actions: p.actions,
    notActions: p.notActions,
    dataActions: p.dataActions ?? [],
    notDataActions: p.notDataActions ?? [],
  }));
  return jsonResponse(200, pageOf(request, value, ctx.pageSize));
}
