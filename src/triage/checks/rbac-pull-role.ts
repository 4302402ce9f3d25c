/**
 * rbac.pull-role: the pulling principal has an effective pull grant on the registry, judged in the registry's mode
 * (docs/domain.md#registry-modes-and-pull-roles). `pullerAssignments` holds the principal's assignments at or above the registry, group-transitive.
 * The analysis is exported because rbac.abac-condition and the grant planner judge the same assignments.
 */
import type { Evidence, RegistryFacts, RoleAssignmentFact } from '../evidence';
import { sameArmId, scopeCovers } from '../evidence';
import type { Check, Outcome } from '../report';
import { describeCondition, evaluateCondition, repositoriesToCheck } from '../abac-condition';
import { describePrincipal, requirePullPrincipal, requireRegistry, type PullPrincipal } from '../principal';
import { azRoleAssignmentCreate, judgeRole, pullRoleFor, registryMode, roleGuidOf, type RegistryMode, type RoleVerdict } from '../roles';

export interface JudgedAssignment {
  assignment: RoleAssignmentFact;
  role: RoleVerdict;
  /** grant: counts; caveat: grants or may grant, with a reason to worry; unknown: could not be judged; none: does not grant. */
  level: 'grant' | 'caveat' | 'unknown' | 'none';
  /** Level before the ABAC condition was applied. */
  roleLevel: 'grant' | 'caveat' | 'unknown' | 'none';
  /** The repositories its condition admits ('all' without a condition). */
  admits: 'all' | string[];
  /** Held through a group rather than by the principal itself. */
  viaGroup: boolean;
  notes: string[];
  needs?: string;
}

export type PullGrantAnalysis =
  | { ok: false; outcome: Outcome }
  | {
      ok: true;
      registry: RegistryFacts;
      mode: RegistryMode;
      principal: PullPrincipal;
      /** The repositories being pulled (from the named image or failing pods); empty when none is known. */
      repositories: string[];
      assignments: JudgedAssignment[];
    };

const ASSIGNMENTS_READ = (registryId: string) => `Microsoft.Authorization/roleAssignments/read on ${registryId} (any Reader)`;

function judge(
  a: RoleAssignmentFact,
  e: Evidence,
  registry: RegistryFacts,
  mode: RegistryMode,
  principal: PullPrincipal,
  repositories: string[],
): JudgedAssignment {
  const role = judgeRole(a.roleGuid || roleGuidOf(a.roleDefinitionId), mode, e.roleDefinitions, registry.id);
  const notes: string[] = [];
  let level: JudgedAssignment['level'];
  if (role.answer === 'no') {
    level = 'none';
    notes.push(role.reason ?? `${role.roleName} does not grant pull`);
  } else if (role.answer === 'unknown') {
    level = 'unknown';
    notes.push(role.reason ?? `${role.roleName} could not be judged`);
  } else if (role.answer === 'maybe' || role.caveat) {
    level = 'caveat';
    notes.push(role.reason ?? `${role.roleName} may grant pull`);
  } else {
    level = 'grant';
  }
  const roleLevel = level;
  let admits: JudgedAssignment['admits'] = 'all';
  if ((level === 'grant' || level === 'caveat') && mode === 'abac' && a.condition) {
    const condition = a.condition;
    const limited = `limited to ${describeCondition(condition)}`;
    if (repositories.length === 0) {
      const v = evaluateCondition(condition);
      if (v.result === 'excludes') {
        level = 'none';
        notes.push(`its condition never admits pulls: ${condition}`);
      } else if (v.result === 'cannot-evaluate') {
        level = 'caveat';
        notes.push(`its condition cannot be evaluated (${v.reason}): ${condition}`);
      } else if (v.result === 'needs-repository') {
        level = 'caveat';
        notes.push(`it is ${limited} and no repository is known to test it against; condition: ${condition}`);
      }
    } else {
      const verdicts = repositories.map((r) => ({ r, v: evaluateCondition(condition, r) }));
      admits = verdicts.filter((x) => x.v.result === 'admits').map((x) => x.r);
      const excluded = verdicts.filter((x) => x.v.result === 'excludes').map((x) => x.r);
      const unevaluable = verdicts.find((x) => x.v.result === 'cannot-evaluate' || x.v.result === 'needs-repository');
      if (excluded.length > 0) {
        level = 'none';
        notes.push(`it is ${limited}, which does not admit ${excluded.map((r) => `"${r}"`).join(', ')}`);
      } else if (unevaluable) {
        level = 'caveat';
        const why = unevaluable.v.result === 'cannot-evaluate' ? unevaluable.v.reason : 'it does not decide on the repository name';
        notes.push(`its condition cannot be evaluated (${why}): ${condition}`);
      }
    }
  }
  const viaGroup = a.principalType === 'Group' || a.principalType === 'ForeignGroup' || a.principalId.toLowerCase() !== principal.objectId;
  if (viaGroup && (level === 'grant' || level === 'caveat')) {
    level = 'caveat';
    notes.push(`it is held through group ${a.principalId}, and managed identities can cache group membership for up to 24 h`);
  }
  return { assignment: a, role, level, roleLevel, admits, viaGroup, notes, needs: role.needs };
}

export function analysePullGrants(e: Evidence): PullGrantAnalysis {
  if (e.target.registry.kind === 'external')
    return {
      ok: false,
      outcome: {
        status: 'skip',
        evidence: `${e.target.registry.host} is not an Azure Container Registry; Azure role assignments do not apply (pull secrets do).`,
      },
    };
  const input = requireRegistry(e);
  if (!input.ok)
    return { ok: false, outcome: { ...input.outcome, evidence: `${input.outcome.evidence} Without it the role assignments cannot be judged.` } };
  const registry = input.value;
  const who = requirePullPrincipal(e, `which role assignments matter on ${registry.name}`);
  if (!who.ok) return who;
  const principal = who.value;
  const mode = registryMode(registry);
  if (!mode.known)
    return {
      ok: false,
      outcome: {
        status: 'unknown',
        evidence: `Registry ${registry.name} reports roleAssignmentMode "${mode.value}", which this tool does not know, so it cannot tell which roles grant pull to ${describePrincipal(principal)}.`,
        remediation: `Check the registry's permissions mode: az acr show -n ${registry.name} --query roleAssignmentMode`,
        needs: 'a roleAssignmentMode of LegacyRegistryPermissions or AbacRepositoryPermissions',
      },
    };
  const read = e.pullerAssignments;
  if (read.state !== 'ok')
    return {
      ok: false,
      outcome: {
        status: 'unknown',
        evidence:
          read.state === 'failed'
            ? `The role assignments of ${describePrincipal(principal)} on ${registry.name} could not be read: ${read.failure.message}`
            : `The role assignments of ${describePrincipal(principal)} on ${registry.name} were not read: ${read.reason}`,
        remediation: `Give the bot Reader on ${registry.name}, or check yourself: az role assignment list --assignee ${principal.objectId} --scope ${registry.id} --include-inherited --include-groups`,
        needs: read.state === 'failed' ? (read.failure.needs ?? ASSIGNMENTS_READ(registry.id)) : ASSIGNMENTS_READ(registry.id),
      },
    };
  const repositories = mode.mode === 'abac' ? repositoriesToCheck(e) : [];
  const assignments = read.value
    .filter((a) => scopeCovers(a.scope, registry.id))
    .map((a) => judge(a, e, registry, mode.mode, principal, repositories));
  return { ok: true, registry, mode: mode.mode, principal, repositories, assignments };
}

function label(j: JudgedAssignment, registry: RegistryFacts): string {
  return sameArmId(j.assignment.scope.replace(/\/+$/, ''), registry.id)
    ? `${j.role.roleName} on the registry itself`
    : `${j.role.roleName} inherited from ${j.assignment.scope}`;
}

/** ABAC: several conditional assignments may together admit every repository being pulled. */
function coveredTogether(assignments: JudgedAssignment[], repositories: string[]): JudgedAssignment[] | undefined {
  if (repositories.length < 2) return undefined;
  const clean = assignments.filter((j) => j.roleLevel === 'grant' && j.admits !== 'all' && !j.viaGroup);
  const covering = repositories.map((r) => clean.find((j) => j.admits !== 'all' && j.admits.includes(r)));
  return covering.every((j) => j !== undefined) ? [...new Set(covering as JudgedAssignment[])] : undefined;
}

export const rbacPullRole: Check = {
  id: 'rbac.pull-role',
  title: 'The pulling identity holds a pull role on the registry',
  run(e) {
    const analysis = analysePullGrants(e);
    if (!analysis.ok) return analysis.outcome;
    const { registry, mode, principal, assignments, repositories } = analysis;
    const who = describePrincipal(principal);
    const role = pullRoleFor(mode);
    const command = azRoleAssignmentCreate({ principalObjectId: principal.objectId, roleName: role.name, scope: registry.id });
    const abacNote =
      mode === 'abac' ? ' The registry uses ABAC repository permissions, where AcrPull (what az aks update --attach-acr assigns) is ignored.' : '';
    const grantWords = `Grant ${role.name} on ${registry.name} to ${who}, scoped to the registry.${abacNote}`;

    const grants = assignments.filter((j) => j.level === 'grant');
    if (grants.length > 0) {
      const others = grants.length > 1 ? ` (and ${grants.length - 1} more)` : '';
      return { status: 'pass', evidence: `${who} holds ${label(grants[0], registry)}${others}, which grants pull on ${registry.name}.` };
    }
    const together = coveredTogether(assignments, repositories);
    if (together)
      return {
        status: 'pass',
        evidence: `${who} may pull ${repositories.map((r) => `"${r}"`).join(', ')} from ${registry.name} through ${together.map((j) => `assignment ${j.assignment.name} (${label(j, registry)})`).join(' and ')}, whose conditions together admit every repository.`,
      };
    const caveats = assignments.filter((j) => j.level === 'caveat');
    if (caveats.length > 0)
      return {
        status: 'warn',
        evidence: `${who} may pull from ${registry.name}, but only through ${caveats.map((j) => `${label(j, registry)}: ${j.notes.join('; ')}`).join(' | ')}.`,
        remediation: `${grantWords} A direct, least-privileged grant does not depend on the caveat above.`,
        command,
      };
    const unknowns = assignments.filter((j) => j.level === 'unknown');
    if (unknowns.length > 0)
      return {
        status: 'unknown',
        evidence: `No assignment is known to grant pull on ${registry.name} to ${who}; ${unknowns.length} could not be judged: ${unknowns.map((j) => `${label(j, registry)} (${j.notes.join('; ')})`).join(' | ')}.`,
        remediation: `Give the bot read access to the custom role definitions, or grant ${role.name} directly.`,
        needs: unknowns.find((j) => j.needs)?.needs ?? `Microsoft.Authorization/roleDefinitions/read on ${registry.id}`,
        command,
      };
    const why =
      assignments.length > 0 ? ` Not granting: ${assignments.map((j) => `${label(j, registry)} — ${j.notes.join('; ')}`).join(' | ')}.` : '';
    return {
      status: 'fail',
      evidence: `No role assignment grants pull on ${registry.name} to ${who}. Checked ${assignments.length} assignment${assignments.length === 1 ? '' : 's'} at or above ${registry.id}.${why}`,
      remediation: `${grantWords} Enforcement can take up to 10 minutes after the grant.`,
      command,
    };
  },
};
