/**
 * rbac.abac-condition: on an ABAC-mode registry, a repository-role assignment exists but its condition leaves out the
 * repository being pulled (docs/domain.md#abac-conditions). Without a repository name the conditions are shown verbatim and the check warns.
 */
import type { Check } from '../report';
import { describeCondition, evaluateCondition, repositoryCondition } from '../abac-condition';
import { describePrincipal } from '../principal';
import { azRoleAssignmentCreate, REPOSITORY_READER } from '../roles';
import { analysePullGrants, type JudgedAssignment } from './rbac-pull-role';

const name = (j: JudgedAssignment) => `Assignment ${j.assignment.name} (${j.role.roleName})`;

export const rbacAbacCondition: Check = {
  id: 'rbac.abac-condition',
  title: "ABAC repository conditions admit the image's repository",
  run(e) {
    const analysis = analysePullGrants(e);
    if (!analysis.ok) return analysis.outcome;
    const { registry, mode, principal, repositories } = analysis;
    if (mode === 'legacy')
      return {
        status: 'skip',
        evidence: `Registry ${registry.name} uses legacy registry permissions; repository conditions apply only in ABAC repository-permissions mode.`,
      };
    const granting = analysis.assignments.filter((j) => j.role.answer === 'yes' || j.role.answer === 'maybe');
    const conditioned = granting.filter((j) => j.assignment.condition);
    const open = granting.filter((j) => !j.assignment.condition);
    if (granting.length === 0)
      return {
        status: 'skip',
        evidence: `${describePrincipal(principal)} holds no repository role on ${registry.name}, so there is no condition to evaluate (see rbac.pull-role).`,
      };
    if (open.length > 0)
      return {
        status: 'pass',
        evidence: `${name(open[0])} at ${open[0].assignment.scope} has no condition: it applies to every repository of ${registry.name}.`,
      };
    const conditions = conditioned.map((j) => `${name(j)}: ${j.assignment.condition}`).join(' | ');
    if (repositories.length === 0)
      return {
        status: 'warn',
        evidence: `Every pull grant of ${describePrincipal(principal)} on ${registry.name} is limited by a condition, and no repository is known to test them against (name the image to check). Conditions, verbatim: ${conditions}`,
        remediation:
          'Check again naming the image (e.g. myacr.azurecr.io/team/app:tag), or compare the conditions above with the repository that fails.',
      };
    const uncovered: string[] = [];
    const unevaluable: string[] = [];
    for (const repository of repositories) {
      const verdicts = conditioned.map((j) => ({ j, v: evaluateCondition(j.assignment.condition as string, repository) }));
      if (verdicts.some((x) => x.v.result === 'admits')) continue;
      if (verdicts.some((x) => x.v.result === 'cannot-evaluate' || x.v.result === 'needs-repository')) unevaluable.push(repository);
      else uncovered.push(repository);
    }
    if (uncovered.length > 0) {
      const limits = conditioned.map((j) => `${name(j)} is limited to ${describeCondition(j.assignment.condition as string)}`).join('; ');
      const first = uncovered[0];
      return {
        status: 'fail',
        evidence: `${limits}; the failing image${uncovered.length === 1 ? ' is' : 's are'} ${uncovered.map((r) => `"${r}"`).join(', ')} on ${registry.name}.`,
        remediation: `Add an assignment (or widen a condition) that admits ${uncovered.map((r) => `"${r}"`).join(', ')} for ${describePrincipal(principal)}, or remove the condition to grant the whole registry.`,
        command: azRoleAssignmentCreate({
          principalObjectId: principal.objectId,
          roleName: REPOSITORY_READER.name,
          scope: registry.id,
          condition: repositoryCondition(first),
        }),
      };
    }
    if (unevaluable.length > 0)
      return {
        status: 'warn',
        evidence: `Cannot evaluate whether the conditions admit ${unevaluable.map((r) => `"${r}"`).join(', ')} on ${registry.name}; shown verbatim: ${conditions}`,
        remediation:
          'Compare the conditions above with the repository by hand; conditions of the documented forms (StringEqualsIgnoreCase, StringStartsWithIgnoreCase, StringLike) can be evaluated.',
      };
    return {
      status: 'pass',
      evidence: `The conditions on ${describePrincipal(principal)}'s repository roles on ${registry.name} admit ${repositories.map((r) => `"${r}"`).join(', ')}.`,
    };
  },
};
