/**
 * rbac.deny: a deny assignment (managed app, deployment stack, Blueprint) blocks pull despite a grant (docs/domain.md#role-assignments-and-the-grant).
 * Deny assignments win over role assignments, so one that covers the pull action is a failure whatever else is granted.
 */
import { scopeCovers } from '../evidence';
import type { DenyAssignmentFact } from '../evidence';
import type { Check } from '../report';
import { describePrincipal, requirePullPrincipal, requireRegistry } from '../principal';
import { actionMatches, PULL_ACTION, PULL_DATA_ACTION } from '../roles';

/** The first pattern in a deny's permissions that takes pull away, respecting its notActions / notDataActions. */
function deniedBy(deny: DenyAssignmentFact): string | undefined {
  for (const p of deny.permissions) {
    const action = p.actions.find((a) => actionMatches(a, PULL_ACTION));
    if (action && !p.notActions.some((n) => actionMatches(n, PULL_ACTION))) return action;
    const dataAction = p.dataActions.find((a) => actionMatches(a, PULL_DATA_ACTION));
    if (dataAction && !p.notDataActions.some((n) => actionMatches(n, PULL_DATA_ACTION))) return dataAction;
  }
  return undefined;
}

export const rbacDeny: Check = {
  id: 'rbac.deny',
  title: 'No deny assignment blocks pull',
  run(e) {
    if (e.target.registry.kind === 'external')
      return { status: 'skip', evidence: `${e.target.registry.host} is not an Azure Container Registry; Azure deny assignments do not apply.` };
    const reg = requireRegistry(e);
    if (!reg.ok) return reg.outcome;
    const registry = reg.value;
    const who = requirePullPrincipal(e, `whether a deny assignment on ${registry.name} applies`);
    if (!who.ok) return who.outcome;
    const principal = who.value;
    const needs = `Microsoft.Authorization/denyAssignments/read on ${registry.id} (any Reader)`;
    const read = e.denyAssignments;
    if (read.state !== 'ok')
      return {
        status: 'unknown',
        evidence:
          read.state === 'failed'
            ? `The deny assignments on ${registry.name} could not be read: ${read.failure.message}`
            : `The deny assignments on ${registry.name} were not read: ${read.reason}`,
        remediation: `Give the bot Reader on ${registry.name}, then check again.`,
        needs: read.state === 'failed' ? (read.failure.needs ?? needs) : needs,
      };
    // The read is filtered to deny assignments that apply to the puller (directly or through groups); an exclusion still lets it through.
    const applying = read.value.filter(
      (d) => (!d.scope || scopeCovers(d.scope, registry.id)) && !d.excludePrincipalIds.some((x) => x.toLowerCase() === principal.objectId),
    );
    const blocking = applying.map((d) => ({ d, pattern: deniedBy(d) })).filter((x) => x.pattern !== undefined);
    const target = describePrincipal(principal);
    if (blocking.length > 0) {
      const list = blocking
        .map(
          ({ d, pattern }) =>
            `Deny assignment "${d.name}"${d.description ? ` (${d.description})` : ''} at ${d.scope ?? 'an ancestor scope'} denies ${pattern}`,
        )
        .join('; ');
      return {
        status: 'fail',
        evidence: `${list} to ${target} — it overrides any pull role.`,
        remediation:
          'Deny assignments cannot be edited directly: remove or add an exclusion for this identity in whatever owns it (deployment stack deny settings, managed application, Blueprint assignment).',
      };
    }
    return {
      status: 'pass',
      evidence: `No deny assignment at or above ${registry.name} blocks pull for ${target} (${read.value.length} checked).`,
    };
  },
};
