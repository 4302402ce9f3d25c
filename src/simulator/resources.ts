/**
 * The generic resource store over `world.resources`: GET by id, lists by subscription / resource group, and child
 * collections by id prefix. VNet subnets and peerings may be written either embedded in the VNet (as ARM returns
 * them) or as separate resources; both are served both ways.
 */
import type { ArmResource, World } from './scenario';
import { normalizeScope, resourceGroupOf, sameId, subscriptionOf } from './resource-ids';

const EMBEDDED_CHILDREN: Record<string, string> = {
  subnets: 'subnets',
  virtualnetworkpeerings: 'virtualNetworkPeerings',
};
const RECORD_TYPES = new Set(['a', 'aaaa', 'cname', 'mx', 'ptr', 'soa', 'srv', 'txt']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function embedded(parent: ArmResource, childCollection: string): ArmResource[] {
  const property = EMBEDDED_CHILDREN[childCollection.toLowerCase()];
  const list = property ? parent.properties?.[property] : undefined;
  if (!Array.isArray(list)) return [];
  return list
    .filter(isRecord)
    .filter((item): item is Record<string, unknown> & ArmResource => typeof item['id'] === 'string' && typeof item['name'] === 'string');
}

/** Direct children `{parentId}/{collection}/{name}`; `ALL`/`recordsets` on a private DNS zone = every record set. */
export function listChildren(world: World, parent: ArmResource, collection: string): ArmResource[] {
  const prefix = `${normalizeScope(parent.id).toLowerCase()}/`;
  const wanted = collection.toLowerCase();
  const allRecords = (wanted === 'all' || wanted === 'recordsets') && parent.type.toLowerCase() === 'microsoft.network/privatednszones';
  const separate = world.resources.filter((resource) => {
    const id = resource.id.toLowerCase();
    if (!id.startsWith(prefix)) return false;
    const rest = id.slice(prefix.length).split('/');
    if (rest.length !== 2) return false;
    return allRecords ? RECORD_TYPES.has(rest[0] ?? '') : rest[0] === wanted;
  });
  const seen = new Set(separate.map((r) => r.id.toLowerCase()));
  return [...separate, ...embedded(parent, collection).filter((r) => !seen.has(r.id.toLowerCase()))];
}

/** With separately written subnets/peerings folded in, as ARM returns a VNet. */
function withEmbeddedChildren(world: World, resource: ArmResource): ArmResource {
  if (resource.type.toLowerCase() !== 'microsoft.network/virtualnetworks') return resource;
  const properties = { ...(resource.properties ?? {}) };
  for (const [collection, property] of Object.entries(EMBEDDED_CHILDREN)) {
    const children = listChildren(world, resource, collection);
    if (children.length > 0) properties[property] = children;
  }
  return { ...resource, properties };
}

export function findResource(world: World, id: string): ArmResource | undefined {
  const direct = world.resources.find((resource) => sameId(resource.id, id));
  if (direct) return withEmbeddedChildren(world, direct);
  const parts = normalizeScope(id).split('/');
  if (parts.length < 3) return undefined;
  const parentId = parts.slice(0, -2).join('/');
  const parent = world.resources.find((resource) => sameId(resource.id, parentId));
  if (!parent) return undefined;
  return embedded(parent, parts[parts.length - 2] ?? '').find((child) => sameId(child.id, id));
}

/** Top-level resources of a type (`Microsoft.Network/publicIPAddresses`) in a subscription, optionally one resource group. */
export function listByType(world: World, type: string, subscriptionId: string, resourceGroup?: string): ArmResource[] {
  return world.resources.filter((resource) => {
    if (resource.type.toLowerCase() !== type.toLowerCase()) return false;
    if (subscriptionOf(resource.id)?.toLowerCase() !== subscriptionId.toLowerCase()) return false;
    return resourceGroup === undefined || resourceGroupOf(resource.id)?.toLowerCase() === resourceGroup.toLowerCase();
  });
}

/** A resource group exists when it is written as one, holds a resource, or is a cluster's node resource group. */
export function resourceGroupExists(world: World, subscriptionId: string, resourceGroup: string): boolean {
  const sub = subscriptionId.toLowerCase();
  const rg = resourceGroup.toLowerCase();
  return world.resources.some((resource) => {
    if (subscriptionOf(resource.id)?.toLowerCase() !== sub) return false;
    if (resourceGroupOf(resource.id)?.toLowerCase() === rg) return true;
    const nodeResourceGroup = resource.properties?.['nodeResourceGroup'];
    return typeof nodeResourceGroup === 'string' && nodeResourceGroup.toLowerCase() === rg;
  });
}
