/**
 * Microsoft Graph, the two reads the triage makes for service-principal clusters. A world without `graph` models
 * an identity without Application.Read.All: Graph answers 403, as it would.
 */
import type { World } from './scenario';
import { jsonResponse, type EmuRequest, type EmuResponse } from './wire';

function graphError(status: number, code: string, message: string): EmuResponse {
  return jsonResponse(status, { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': 'emulator' } } });
}

function selected(entity: Record<string, unknown>, select: string | undefined): Record<string, unknown> {
  if (!select) return entity;
  const fields = select
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return Object.fromEntries(fields.filter((f) => f in entity).map((f) => [f, entity[f]]));
}

export function handleGraph(world: World, request: EmuRequest): EmuResponse {
  if (request.method !== 'GET') return graphError(405, 'Request_BadRequest', `The emulator's Graph does not support ${request.method}.`);
  const match = /^\/v1\.0\/(servicePrincipals|applications)\(appId='([^']+)'\)$/i.exec(request.path);
  if (!match)
    return graphError(
      400,
      'Request_BadRequest',
      `The emulator's Graph serves servicePrincipals(appId='…') and applications(appId='…') only, not '${request.path}'.`,
    );
  if (!world.graph) return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  const [, collection = '', appId = ''] = match;
  const sp = world.graph.servicePrincipals.find((s) => s.appId.toLowerCase() === appId.toLowerCase());
  if (!sp) {
    return graphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${appId}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  const isApplication = collection.toLowerCase() === 'applications';
  const entity: Record<string, unknown> = isApplication
    ? { id: sp.id, appId: sp.appId, displayName: sp.displayName ?? null, passwordCredentials: sp.passwordCredentials, keyCredentials: [] }
    : { id: sp.id, appId: sp.appId, displayName: sp.displayName ?? null, servicePrincipalType: 'Application' };
  const context = `https://graph.microsoft.com/v1.0/$metadata#${isApplication ? 'applications' : 'servicePrincipals'}/$entity`;
  return jsonResponse(200, { '@odata.context': context, ...selected(entity, request.query['$select']) });
}
