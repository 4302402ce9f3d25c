/**
 * Findings and the report. A check turns evidence into one finding; a report is the target, every
 * finding, and the verdict derived from them. Everything a renderer (card, Slack, text, JSON) shows comes
 * from here.
 */
import type { Evidence } from './evidence';
import type { Target } from './refs';

/** The stable check ids (docs/domain.md#check-ids-and-statuses). Findings, JSON output, tests and cards all use these. */
export const CHECK_IDS = [
  'target.cluster',
  'target.registry',
  'target.image-ref',
  'identity.kubelet',
  'identity.kubelet-on-nodes',
  'identity.sp-secret',
  'identity.cross-tenant',
  'registry.auth-mode',
  'registry.arm-audience',
  'registry.alt-auth',
  'rbac.pull-role',
  'rbac.abac-condition',
  'rbac.misassigned',
  'rbac.deny',
  'network.public-access',
  'network.ip-rules',
  'network.private-endpoint',
  'network.private-dns',
  'network.data-endpoints',
  'network.egress-path',
  'pods.pull-errors',
  'pods.pull-secrets',
  'image.exists',
  'image.platform',
  'pull.throttling',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

/**
 * pass: seen and fine. fail: seen and broken. warn: seen, works or may work, but risky or unproven.
 * unknown: could not see (the finding says why and what would let us see). skip: does not apply here.
 */
export type Status = 'pass' | 'fail' | 'warn' | 'unknown' | 'skip';

/** What a check says; the check's id and title are added by the runner. */
export interface Outcome {
  status: Status;
  /** One or two sentences of what was seen, with names and ids (shown as-is). */
  evidence: string;
  /** What to do, in words. Required for fail/warn/unknown. */
  remediation?: string;
  /** A command that does (or checks) the fix, e.g. `az role assignment create …`. */
  command?: string;
  /** For unknown: the permission or input that would let the check see. */
  needs?: string;
}

export interface Finding extends Outcome {
  check: CheckId;
  title: string;
}

/** One analyzer: a pure function of the evidence. One file per check in ./checks, registered in ./checks/index.ts. */
export interface Check {
  id: CheckId;
  title: string;
  run(evidence: Evidence): Outcome;
}

export type Verdict = 'healthy' | 'problems' | 'incomplete';

export interface Report {
  target: Target;
  verdict: Verdict;
  findings: Finding[];
  /** ISO time the evidence was collected. */
  collectedAt: string;
  /** False until pod evidence has been folded in (or was skipped). */
  complete: boolean;
}

/** problems if anything failed; else incomplete if anything is unknown; else healthy. A warn never hides a fail. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.status === 'fail')) return 'problems';
  if (findings.some((f) => f.status === 'unknown')) return 'incomplete';
  return 'healthy';
}
