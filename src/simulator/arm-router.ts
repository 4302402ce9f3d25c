/**
 * Routes an authenticated ARM request: Resource Graph, Microsoft.Authorization at any scope, subscriptions and
 * resource groups, managed-cluster actions, then generic GET by id / list by subscription, resource group or
 * parent resource over `world.resources`.
 */
import type { ArmResource, World } from './scenario';
import { armError, jsonResponse, type EmuRequest, type EmuResponse } from './wire';
import { denyRead, isReadableSubscription, isVisible } from './access';
import { handleAuthorization, splitAuthorizationPath } from './authorization';
import { handleResourceGraph } from './resource-graph';
import { findResource, listByType, listChildren, resourceGroupExists } from './resources';
import { parseArmPath, type ArmPath } from './resource-ids';
import { pageOf } from './paging';
import type { RunCommands } from './run-command';
import type { KubeApiServers } from './kube-servers';

export interface ArmContext {
  world: World;
  pageSize: number;
  runCommands: RunCommands;
  kubeServers: KubeApiServers;
}

function subscriptionBody(s: World['subscriptions'][number]): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: 'Enabled',
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
    authorizationSource: 'RoleBased',
  };
}

function notFound(path: ArmPath, id: string): EmuResponse {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource '${path.namespace ?? ''}/${path.typeSegments.join('/')}' under resource group '${path.resourceGroup ?? ''}' was not found (${id}). For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** `tenantId` on a world resource is what Resource Graph reports; ARM GET does not carry it. */
function withoutGraphFields(resource: ArmResource): ArmResource {
  const copy = { ...resource };
  delete copy.tenantId;
  return copy;
}

const CLUSTER_ACTIONS = new Set(['runcommand', 'commandresults', 'listclusterusercredential']);

export function routeArm(ctx: ArmContext, request: EmuRequest): EmuResponse | Promise<EmuResponse> {
  const { world } = ctx;
  if (!request.query['api-version']) {
    return armError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  const lowerPath = request.path.toLowerCase().replace(/\/+$/, '');
  if (lowerPath === '/providers/microsoft.resourcegraph/resources') return handleResourceGraph(world, request);
  const authorization = splitAuthorizationPath(request.path);
  if (authorization) return handleAuthorization(ctx, request, authorization.scope, authorization.rest);
  if (lowerPath === '/subscriptions') {
    if (request.method !== 'GET') return methodNotAllowed(request);
    const readable = world.subscriptions.filter((s) => isReadableSubscription(world, s.subscriptionId)).map(subscriptionBody);
    return jsonResponse(200, pageOf(request, readable, ctx.pageSize));
  }
  const path = parseArmPath(request.path);
  if (!path?.subscriptionId) return armError(404, 'NotFound', `The ARM emulator does not serve '${request.path}'.`);
  if (request.method !== 'GET' && request.method !== 'POST') return methodNotAllowed(request);

  const action = path.namespace ? `${path.namespace}/${path.typeSegments[0] ?? ''}/read` : 'Microsoft.Resources/subscriptions/read';
  const denied = denyRead(world, request.path, action);
  if (denied) return denied;
  if (!path.resourceGroup && !path.namespace) {
    const subscription = world.subscriptions.find((s) => s.subscriptionId.toLowerCase() === path.subscriptionId?.toLowerCase());
    return subscription && request.method === 'GET' ? jsonResponse(200, subscriptionBody(subscription)) : methodNotAllowed(request);
  }
  if (path.resourceGroup && !resourceGroupExists(world, path.subscriptionId, path.resourceGroup)) {
    return armError(404, 'ResourceGroupNotFound', `Resource group '${path.resourceGroup}' could not be found.`);
  }
  if (!path.namespace) {
    if (request.method !== 'GET') return methodNotAllowed(request);
    const location = world.resources.find((r) => r.id.toLowerCase().startsWith(`${request.path.toLowerCase()}/`))?.location ?? 'westeurope';
    return jsonResponse(200, {
      id: `/subscriptions/${path.subscriptionId}/resourceGroups/${path.resourceGroup ?? ''}`,
      name: path.resourceGroup,
      type: 'Microsoft.Resources/resourceGroups',
      location,
      properties: { provisioningState: 'Succeeded' },
    });
  }
  const segments = path.typeSegments;
  if (segments[0]?.toLowerCase() === 'managedclusters' && segments.length >= 3 && CLUSTER_ACTIONS.has((segments[2] ?? '').toLowerCase())) {
    return routeClusterAction(ctx, request, path);
  }
  if (request.method !== 'GET') return methodNotAllowed(request);
  if (segments.length % 2 === 0) {
    const resource = findResource(world, request.path);
    return resource ? jsonResponse(200, withoutGraphFields(resource)) : notFound(path, request.path);
  }
  let items: ArmResource[];
  if (segments.length === 1) {
    items = listByType(world, `${path.namespace}/${segments[0] ?? ''}`, path.subscriptionId, path.resourceGroup);
  } else {
    const parentId = request.path.replace(/\/+$/, '').split('/').slice(0, -1).join('/');
    const parent = findResource(world, parentId);
    if (!parent) return notFound({ ...path, typeSegments: segments.slice(0, -1) }, parentId);
    items = listChildren(world, parent, segments[segments.length - 1] ?? '');
  }
  const visible = items.filter((r) => isVisible(world, r.id)).map(withoutGraphFields);
  return jsonResponse(200, pageOf(request, visible, ctx.pageSize));
}

function routeClusterAction(ctx: ArmContext, request: EmuRequest, path: ArmPath): EmuResponse | Promise<EmuResponse> {
  const segments = path.typeSegments;
  const clusterId = request.path
    .split('/')
    .slice(0, request.path.split('/').length - (segments.length - 2))
    .join('/');
  const cluster = findResource(ctx.world, clusterId);
  if (!cluster) return notFound({ ...path, typeSegments: segments.slice(0, 2) }, clusterId);
  const action = (segments[2] ?? '').toLowerCase();
  if (action === 'commandresults' && segments.length === 4 && request.method === 'GET') return ctx.runCommands.result(cluster, segments[3] ?? '');
  if (action === 'runcommand' && segments.length === 3 && request.method === 'POST') return ctx.runCommands.start(request, cluster);
  if (action === 'listclusterusercredential' && segments.length === 3 && request.method === 'POST') return ctx.kubeServers.userCredential(cluster);
  return methodNotAllowed(request);
}

function methodNotAllowed(request: EmuRequest): EmuResponse {
  return armError(405, 'MethodNotAllowed', `The ARM emulator does not support ${request.method} on '${request.path}'.`);
}
