/** Which parts of the world the caller may read: readable subscriptions and forbidden scopes. */
import type { World } from './scenario';
import { armError, type EmuResponse } from './wire';
import { isAtOrAbove, subscriptionOf } from './resource-ids';

export function isReadableSubscription(world: World, subscriptionId: string): boolean {
  const id = subscriptionId.toLowerCase();
  const readable = world.readableSubscriptions ?? world.subscriptions.map((s) => s.subscriptionId);
  return readable.some((s) => s.toLowerCase() === id) && world.subscriptions.some((s) => s.subscriptionId.toLowerCase() === id);
}

export function isForbidden(world: World, scope: string): boolean {
  return (world.forbiddenScopes ?? []).some((prefix) => isAtOrAbove(prefix, scope));
}

/** Whether a resource may appear in a list or a Resource Graph answer. */
export function isVisible(world: World, id: string): boolean {
  const subscriptionId = subscriptionOf(id);
  return subscriptionId !== undefined && isReadableSubscription(world, subscriptionId) && !isForbidden(world, id);
}

export function authorizationFailed(world: World, action: string, scope: string): EmuResponse {
  const oid = world.caller.principalId;
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${oid}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** The ARM answer to a read at `scope` the caller may not make, or undefined when it may. */
export function denyRead(world: World, scope: string, action: string): EmuResponse | undefined {
  const subscriptionId = subscriptionOf(scope);
  if (subscriptionId !== undefined) {
    if (!world.subscriptions.some((s) => s.subscriptionId.toLowerCase() === subscriptionId.toLowerCase())) {
      return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    }
    if (!isReadableSubscription(world, subscriptionId)) return otherTenant(world, subscriptionId) ?? authorizationFailed(world, action, scope);
  }
  return isForbidden(world, scope) ? authorizationFailed(world, action, scope) : undefined;
}

/**
 * A subscription of another Entra tenant, read with a token of the caller's own tenant: ARM refuses the token
 * itself (401 InvalidAuthenticationTokenTenant), before any role is looked at.
 */
function otherTenant(world: World, subscriptionId: string): EmuResponse | undefined {
  const tenant = world.subscriptions.find((s) => s.subscriptionId.toLowerCase() === subscriptionId.toLowerCase())?.tenantId;
  const own = world.caller.tenantId;
  if (!tenant || tenant.toLowerCase() === own.toLowerCase()) return undefined;
  return armError(
    401,
    'InvalidAuthenticationTokenTenant',
    `The access token is from the wrong issuer 'https://sts.windows.net/${own}/'. It must match the tenant 'https://sts.windows.net/${tenant}/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/${tenant}' to get the token.`,
    {
      'www-authenticate': `Bearer authorization_uri="https://login.windows.net/${tenant}", error="invalid_token", error_description="The access token is from the wrong issuer."`,
    },
  );
}
