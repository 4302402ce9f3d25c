/** Object ids the emulated directory knows (for `PrincipalNotFound` on role-assignment PUT without principalType). */
import type { World } from './scenario';

function collectPrincipalIds(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectPrincipalIds(item, out);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if ((key === 'principalId' || key === 'objectId') && typeof child === 'string') out.add(child.toLowerCase());
    else collectPrincipalIds(child, out);
  }
}

export function knownPrincipals(world: World): Set<string> {
  const out = new Set<string>([world.caller.principalId.toLowerCase()]);
  for (const assignment of world.roleAssignments) out.add(assignment.properties.principalId.toLowerCase());
  for (const [group, members] of Object.entries(world.groups ?? {})) {
    out.add(group.toLowerCase());
    for (const member of members) out.add(member.toLowerCase());
  }
  for (const sp of world.graph?.servicePrincipals ?? []) out.add(sp.id.toLowerCase());
  collectPrincipalIds(
    world.resources.map((r) => ({ identity: r.identity, properties: r.properties })),
    out,
  );
  return out;
}
