/**
 * Plain-text renderer of the view model: the terminal (CLI) and any channel that cannot show cards.
 * Free of botbuilder and of any card format on purpose.
 */
import {
  toReportView,
  type AskView,
  type AuditView,
  type FindingRowView,
  type HelpView,
  type NoticeView,
  type ProgressView,
  type ReportView,
  type ReportViewOptions,
  type TriageSnapshot,
} from './view-model';
import { localTime, replaceTimes } from './times';

export interface TextOptions extends ReportViewOptions {
  /** Also list passed / not-applicable checks (default true). */
  verbose?: boolean;
  /** Zone for times (default: the machine's, i.e. TZ). */
  timeZone?: string;
}

export function findingsText(snapshot: TriageSnapshot, options: TextOptions = {}): string {
  const text = reportViewText(toReportView(snapshot, { maxTextLength: 4000, ...options, includeOthers: options.verbose !== false }));
  return replaceTimes(text, (d) => localTime(d, options.timeZone));
}

export function reportViewText(view: ReportView): string {
  const lines: string[] = [`${view.verdictIcon} ${view.heading}`];
  if (view.pasted) lines.push(`What the pasted error means: ${view.pasted.meaning}`);
  lines.push(`→ ${view.conclusion}`, `${view.verdictText} — ${view.counts}`);
  if (view.pasted) {
    lines.push(`  pasted: ${view.pasted.excerpt}`, '  what the findings say about its causes:');
    for (const c of view.pasted.candidates) lines.push(`    ${c.icon} ${c.verdict} — ${c.title} [${c.check}]: ${c.evidence}`);
    for (const o of view.pasted.others) lines.push(`  also in the paste: ${o}`);
  }
  if (view.pending) lines.push(`⏳ ${view.pending}`);
  if (view.afterGrant) lines.push(`✅ ${view.afterGrant}`);
  for (const row of view.problems) lines.push('', ...rowLines(row));
  if (view.grant) {
    const g = view.grant;
    lines.push(
      '',
      `Proposed fix: grant ${g.role}`,
      `  principal: ${g.principal} (${g.principalId}, ServicePrincipal)`,
      `  role:      ${g.role} (${g.roleGuid})`,
      `  scope:     ${g.scope}`,
    );
    if (g.condition) lines.push(`  condition: ${g.condition}`);
    lines.push(`  or run:    ${g.azCommand}`, `  ${g.status}`);
    if (g.approvedAt) lines.push(`  approved by ${g.approvedBy} at ${g.approvedAt}`);
    if (g.assignmentId) lines.push(`  role assignment: ${g.assignmentId}`);
    if (g.verification) lines.push(`  verification: ${g.verification}`);
    for (const step of g.nextSteps) lines.push(`  ${step}`);
  }
  if (view.others.length > 0) {
    lines.push('', 'Other checks:');
    for (const row of view.others) lines.push(`  ${row.icon} ${row.title} [${row.check}] — ${row.evidence}`);
  }
  if (view.links.length > 0) {
    lines.push('', 'Azure portal:');
    for (const link of view.links) lines.push(`  ${link.title}: ${link.url}`);
  }
  lines.push('', `Evidence read at ${view.collectedAt}`);
  return lines.join('\n');
}

function rowLines(row: FindingRowView): string[] {
  const lines = [`${row.icon} ${row.statusLabel.toUpperCase()} ${row.title} [${row.check}]`, `  ${row.evidence}`];
  if (row.fix) lines.push(`  Fix: ${row.fix}`);
  if (row.command) lines.push(`  $ ${row.command}`);
  if (row.needs) lines.push(`  To see this, the bot needs: ${row.needs}`);
  return lines;
}

export function progressText(view: ProgressView): string {
  return `⏳ ${view.heading}\n${view.detail}`;
}

export function askText(view: AskView): string {
  return [view.understood, view.error ? `⚠️ ${view.error}` : undefined, view.question, `(${view.placeholder})`].filter(Boolean).join('\n');
}

export function helpText(view: HelpView): string {
  const lines: string[] = [];
  if (view.demo) lines.push('Demo mode: Azure is simulated.');
  for (const c of view.commands) lines.push(`${c.command}\n  ${c.meaning}`);
  lines.push('Try:', ...view.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function noticeText(view: NoticeView, timeZone?: string): string {
  return replaceTimes(`${view.title}\n${view.text}`, (d) => localTime(d, timeZone));
}

export function auditText(view: AuditView, timeZone?: string): string {
  return replaceTimes([view.title, ...view.entries.map((e) => `${e.at}  ${e.kind}  ${e.text}`)].join('\n'), (d) => localTime(d, timeZone));
}
