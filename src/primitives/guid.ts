/**
 * GUIDs as Azure and Entra write them (8-4-4-4-12 hex digits): subscription ids, tenant ids, object ids,
 * role definition and assignment names. Compared case-insensitively; stored lowercase.
 */

/** The pattern without anchors, for building larger patterns (an ARM id, a GUID at the end of a path). */
export const GUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const GUID = new RegExp(`^${GUID_SOURCE}$`, 'i');

export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}
