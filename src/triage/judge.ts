/**
 * Evidence -> findings -> report: the pure half of a triage. The engine calls it twice (ARM-only, then with
 * pod evidence); the CLI and tests call it on evidence they built themselves, without Azure.
 */
import type { Evidence } from './evidence';
import { CHECKS } from './checks/index';
import { verdictOf, type Check, type Finding, type Report } from './report';

export interface JudgeOptions {
  /** False while pod evidence is still being read. */
  complete: boolean;
  /** The checks to run (default: every registered check, in report order). */
  checks?: readonly Check[];
}

export function judge(evidence: Evidence, options: JudgeOptions): Report {
  const findings = (options.checks ?? CHECKS).map((check) => runCheck(check, evidence));
  return {
    target: evidence.target,
    verdict: verdictOf(findings),
    findings,
    collectedAt: evidence.collectedAt,
    complete: options.complete,
  };
}

/** A check that throws is a bug, but it must not take the report down or pass silently: it becomes `unknown`. */
function runCheck(check: Check, evidence: Evidence): Finding {
  try {
    return { check: check.id, title: check.title, ...check.run(evidence) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      check: check.id,
      title: check.title,
      status: 'unknown',
      evidence: `This check could not evaluate the evidence (${message}).`,
      remediation: 'Report this as a bug in aks-registry-triage; meanwhile check this cause by hand.',
      needs: 'a fix in the check',
    };
  }
}
