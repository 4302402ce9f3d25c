/** ARM resource ids and scopes: case-insensitive comparison, ancestry, and the parts the router needs. */

export function normalizeScope(scope: string): string {
  const trimmed = scope.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

export function sameId(a: string, b: string): boolean {
  return normalizeScope(a).toLowerCase() === normalizeScope(b).toLowerCase();
}

const MANAGEMENT_GROUP = /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/i;

/**
 * Whether an assignment at `ancestor` applies at `scope`. The world has no management-group hierarchy, so a
 * management-group scope is taken as the single root above every subscription (one tenant, one root group).
 */
export function isAtOrAbove(ancestor: string, scope: string): boolean {
  const a = normalizeScope(ancestor).toLowerCase();
  const s = normalizeScope(scope).toLowerCase();
  if (a === '/' || a === s) return true;
  if (MANAGEMENT_GROUP.test(a)) return s.startsWith('/subscriptions/');
  return s.startsWith(`${a}/`);
}

export function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(normalizeScope(scope))?.[1];
}

export function resourceGroupOf(scope: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)/i.exec(normalizeScope(scope))?.[1];
}

export function lastSegment(id: string): string {
  const parts = normalizeScope(id).split('/');
  return parts[parts.length - 1] ?? '';
}

export interface ArmPath {
  subscriptionId?: string;
  resourceGroup?: string;
  /** Resource provider namespace, e.g. Microsoft.Network. */
  namespace?: string;
  /** After the namespace: [type, name, childType, childName, …]; odd length = a collection. */
  typeSegments: string[];
}

/** Parses `/subscriptions/{s}[/resourceGroups/{rg}][/providers/{ns}/{type}/{name}/…]`; undefined when it is not that shape. */
export function parseArmPath(path: string): ArmPath | undefined {
  const segments = normalizeScope(path).split('/').slice(1);
  if (segments.length < 2 || segments[0]?.toLowerCase() !== 'subscriptions') return undefined;
  const result: ArmPath = { subscriptionId: segments[1], typeSegments: [] };
  let i = 2;
  if (segments[i]?.toLowerCase() === 'resourcegroups') {
    if (segments[i + 1] === undefined) return undefined;
    result.resourceGroup = segments[i + 1];
    i += 2;
  }
  if (i === segments.length) return result;
  if (segments[i]?.toLowerCase() !== 'providers' || segments[i + 1] === undefined) return undefined;
  result.namespace = segments[i + 1];
  result.typeSegments = segments.slice(i + 2);
  return result.typeSegments.length > 0 ? result : undefined;
}
