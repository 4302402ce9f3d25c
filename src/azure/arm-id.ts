/**
 * What goes into ARM URLs and OData / KQL filters: GUIDs checked, literals quoted. Ids come back from Azure
 * (ARG rows, cluster properties) and still get checked: a value spliced into `$filter=assignedTo('…')` or a
 * path must be exactly what we think it is. The GUID and ARM id parsers themselves are the app's one
 * definition in src/primitives, re-exported here for the Azure room.
 */
import { isGuid } from '../primitives/guid';
import { roleGuidOf as roleOf } from '../triage/roles';

export { isGuid };
export { isResourceGroupName, isResourceName, parseArmId, parseTypedId, type ParsedArmId } from '../primitives/arm-id';

export class InvalidIdError extends Error {
  readonly code = 'InvalidId';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidIdError';
  }
}

/** A GUID for an OData filter or a path: lowercase, or an error naming what it was meant to be. */
export function guidOrThrow(value: unknown, what: string): string {
  if (!isGuid(value)) throw new InvalidIdError(`${what} is not a GUID: ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

/** The trailing GUID of a roleDefinitionId, lowercase; undefined when it is not one. */
export function roleGuidOf(roleDefinitionId: unknown): string | undefined {
  if (typeof roleDefinitionId !== 'string') return undefined;
  const guid = roleOf(roleDefinitionId);
  return isGuid(guid) ? guid : undefined;
}

/** Single quotes doubled, for KQL / OData string literals of values that passed validation already. */
export function quoteLiteral(value: string): string {
  // OData doubles a quote; KQL would read a backslash as an escape. Callers validate first; this refuses
  // what neither language quotes the same way, so a slip upstream cannot become an injection.
  if (/[\\\n\r\u0000]/.test(value)) throw new RangeError('refusing to quote a value with a backslash, newline or NUL');
  return `'${value.replace(/'/g, "''")}'`;
}
