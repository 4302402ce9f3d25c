/**
 * ARM resource ids (`/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{child}/{name}…]`)
 * and the names inside them, validated part by part: ids come back from Azure (Resource Graph rows,
 * cluster properties) and are spliced into URLs and filters, so each must be exactly what we think it is.
 */
import { isGuid } from './guid';

/** Resource group names: letters, digits, `_ - . ( )`, up to 90, not ending in a period. */
const RESOURCE_GROUP = /^[-\p{L}\p{N}_.()]{0,89}[-\p{L}\p{N}_()]$/u;
/** Resource names as ARM returns them; generous, but without characters that would change a URL path or a filter. */
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/;

export function isResourceName(value: unknown): value is string {
  return typeof value === 'string' && RESOURCE_NAME.test(value);
}

export function isResourceGroupName(value: unknown): value is string {
  return typeof value === 'string' && RESOURCE_GROUP.test(value);
}

export interface ParsedArmId {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `Microsoft.Network` */
  provider: string;
  /** `virtualNetworks` (top-level type) */
  type: string;
  name: string;
  /** Child segments after the top-level resource: [['subnets', 'aks']] */
  children: [string, string][];
}

/** Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{childType}/{childName}…]`, validating every part. */
export function parseArmId(id: unknown): ParsedArmId | undefined {
  if (typeof id !== 'string') return undefined;
  const parts = id.split('/');
  if (parts[0] !== '' || parts.length < 9 || parts.length % 2 === 0) return undefined;
  const [, subs, subscriptionId, rgs, resourceGroup, providers, provider, type, name, ...rest] = parts;
  if (subs?.toLowerCase() !== 'subscriptions' || rgs?.toLowerCase() !== 'resourcegroups' || providers?.toLowerCase() !== 'providers') {
    return undefined;
  }
  if (!isGuid(subscriptionId) || !isResourceGroupName(resourceGroup) || !/^[A-Za-z][A-Za-z0-9.]*$/.test(provider ?? '')) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(type ?? '') || !isResourceName(name)) return undefined;
  const children: [string, string][] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const childType = rest[i]!;
    const childName = rest[i + 1]!;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(childType) || !isResourceName(childName)) return undefined;
    children.push([childType, childName]);
  }
  return { id, subscriptionId: subscriptionId.toLowerCase(), resourceGroup: resourceGroup!, provider: provider!, type: type!, name: name!, children };
}

/** Parses an id of an expected provider/type (case-insensitive), e.g. ('Microsoft.Network', 'publicIPAddresses'). */
export function parseTypedId(id: unknown, provider: string, type: string): ParsedArmId | undefined {
  const parsed = parseArmId(id);
  if (!parsed) return undefined;
  if (parsed.provider.toLowerCase() !== provider.toLowerCase() || parsed.type.toLowerCase() !== type.toLowerCase()) return undefined;
  return parsed;
}
