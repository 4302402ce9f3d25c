/**
 * What the terminal shows: the plain-text renderer of the view model, coloured when stdout is a TTY, and
 * the JSON contract for scripts and pipelines (docs/domain.md#cli-output).
 */
import { findingsText } from '../channels/text';
import { snapshotOf } from '../channels/view-model';
import { conclude } from '../triage/conclusion';
import type { TriageResult } from '../triage/engine';
import type { PastedError } from '../triage/paste';
import type { Report, Status } from '../triage/report';

const COLOURS: Record<Status, string> = { fail: '31', warn: '33', unknown: '35', pass: '32', skip: '90' };
const LABEL = /^(\S+ )?(FAIL|WARN|UNKNOWN|PASS|SKIP)\b/;

export function reportJson(report: Report, pasted?: readonly PastedError[]): string {
  return JSON.stringify(reportObject(report, pasted), null, 2);
}

/** The JSON contract's object for one report (a check by cluster alone holds one per registry). */
export function reportObject(report: Report, pasted?: readonly PastedError[]): Record<string, unknown> {
  return {
    target: report.target,
    verdict: report.verdict,
    conclusion: conclude(report.findings, { pasted }).sentence,
    ...(pasted && { errors: pasted.map((e) => ({ class: e.class, meaning: e.meaning, checks: e.checks })) }),
    complete: report.complete,
    collectedAt: report.collectedAt,
    findings: report.findings.map((f) => ({
      check: f.check,
      status: f.status,
      title: f.title,
      evidence: f.evidence,
      ...(f.remediation ? { remediation: f.remediation } : {}),
      ...(f.command ? { command: f.command } : {}),
      ...(f.needs ? { needs: f.needs } : {}),
    })),
  };
}

export function reportText(result: Pick<TriageResult, 'report' | 'evidence'>, colour: boolean, pasted?: PastedError[]): string {
  const text = findingsText(snapshotOf(result, pasted));
  if (!colour) return text;
  return text
    .split('\n')
    .map((line) => {
      const match = LABEL.exec(line);
      if (!match) return line;
      const code = COLOURS[match[2].toLowerCase() as Status];
      return `\u001b[${code}m${line}\u001b[0m`;
    })
    .join('\n');
}
