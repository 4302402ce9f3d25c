/**
 * The App Service managed-identity token endpoint (`IDENTITY_ENDPOINT`, api-version 2019-08-01, secret in
 * `X-IDENTITY-HEADER`), as `@azure/identity` (through MSAL) calls it. It issues tokens for the world's caller.
 */
import type { World } from './scenario';
import { jsonResponse, type EmuRequest, type EmuResponse } from './wire';
import { audienceOf, type TokenStore } from './tokens';

export const IDENTITY_PATH = '/msi/token';

function identityError(status: number, error: string, description: string): EmuResponse {
  return jsonResponse(status, { error, error_description: description });
}

export function handleIdentityEndpoint(world: World, tokens: TokenStore, secret: string, request: EmuRequest): EmuResponse {
  if (request.method !== 'GET') return identityError(405, 'invalid_request', 'The token endpoint answers GET only.');
  if (request.headers['x-identity-header'] !== secret) {
    return identityError(401, 'unauthorized_client', 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.');
  }
  if (request.query['api-version'] !== '2019-08-01') {
    return identityError(400, 'invalid_request', `api-version must be 2019-08-01 (got '${request.query['api-version'] ?? ''}').`);
  }
  const resource = request.query['resource'];
  if (!resource) return identityError(400, 'invalid_request', "The 'resource' query parameter is required.");
  const clientId = request.query['client_id'];
  if (clientId !== undefined && world.caller.clientId !== undefined && clientId.toLowerCase() !== world.caller.clientId.toLowerCase()) {
    return identityError(400, 'invalid_request', `No managed identity with client id '${clientId}' is assigned to this app.`);
  }
  const { token, expiresOn } = tokens.issue({
    kind: 'entra',
    audience: audienceOf(resource),
    principalId: world.caller.principalId,
    tenantId: world.caller.tenantId,
  });
  return jsonResponse(200, {
    access_token: token,
    expires_on: String(Math.floor(expiresOn / 1000)),
    resource,
    token_type: 'Bearer',
    client_id: world.caller.clientId ?? world.caller.principalId,
  });
}
