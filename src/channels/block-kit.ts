/**
 * Block Kit renderer of the view model (Slack). Like the Adaptive Card renderer it decides layout only.
 * The grant button carries the opaque approval id as its `value` and nothing else (the card never carries authority: docs/domain.md#approvals);
 * who pressed comes from Slack's signed payload, what is granted from server-side storage.
 *
 * Slack rejects a message with more than 50 blocks or a text field over 3000 characters (150 for a
 * header, 75 for a button label, 300 for a confirm dialog's text), so every text is fitted with `clip()`
 * and the findings are re-rendered with smaller budgets until the message fits.
 */
import { clip } from './clip';
import {
  toReportView,
  type AskView,
  type AuditView,
  type FindingRowView,
  type GrantView,
  type HelpView,
  type NoticeView,
  type PastedView,
  type ProgressView,
  type ReportView,
  type ReportViewOptions,
  type TriageSnapshot,
} from './view-model';
import { replaceTimes, slackTime, utcText } from './times';

export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;
export const MAX_HEADER = 150;
export const MAX_CONTEXT_ELEMENTS = 10;
export const GRANT_ACTION_ID = 'grant';

export interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: TextObject;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: { title: TextObject; text: TextObject; confirm: TextObject; deny: TextObject; style?: 'primary' | 'danger' };
}

export type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id?: string; elements: ButtonElement[] };

/** A Slack message: `text` is the notification / screen-reader fallback, `blocks` what people see. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Slack mrkdwn treats &, < and > as control characters (links, mentions); Azure text must show as written. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `clip()` to a hard limit: its "[n more characters cut…]" note is kept inside the limit. */
export function fitText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const clipped = clip(text, Math.max(1, limit - 120));
  return clipped.length <= limit ? clipped : `${clipped.slice(0, limit - 1)}…`;
}

// Times become Slack's `<!date^…>` (the reader's zone) in mrkdwn, UTC text where Slack shows plain text.
const mrkdwn = (text: string, limit = MAX_TEXT): TextObject => ({ type: 'mrkdwn', text: fitText(replaceTimes(text, slackTime), limit) });
const plain = (text: string, limit: number): TextObject => ({ type: 'plain_text', text: fitText(replaceTimes(text, utcText), limit), emoji: true });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.slice(0, MAX_CONTEXT_ELEMENTS).map((t) => mrkdwn(t)) });
/** A code block: the fence stays intact however long the command is. */
const code = (text: string): string => `\`\`\`${fitText(escapeMrkdwn(text), MAX_TEXT - 6)}\`\`\``;

export type FindingsBlocksOptions = Omit<ReportViewOptions, 'maxTextLength' | 'includeOthers'>;

/** Same idea as the Adaptive Card budgets: cut text, then drop the passed-check list, until it fits. */
const BUDGETS: { maxTextLength: number; includeOthers: boolean }[] = [
  { maxTextLength: 1200, includeOthers: true },
  { maxTextLength: 600, includeOthers: true },
  { maxTextLength: 600, includeOthers: false },
  { maxTextLength: 300, includeOthers: false },
];

export function findingsBlocks(snapshot: TriageSnapshot, options: FindingsBlocksOptions = {}): SlackMessage {
  let message: SlackMessage = { text: '', blocks: [] };
  for (const budget of BUDGETS) {
    message = reportViewBlocks(toReportView(snapshot, { ...options, ...budget }));
    if (message.blocks.length <= MAX_BLOCKS) return message;
  }
  return message;
}

export function reportViewBlocks(view: ReportView): SlackMessage {
  const head: Block[] = [
    { type: 'header', text: plain(`${view.verdictIcon} ${view.heading}`, MAX_HEADER) },
    ...(view.pasted ? [section(`*What the pasted error means:* ${escapeMrkdwn(view.pasted.meaning)}`)] : []),
    section(`*${escapeMrkdwn(view.conclusion)}*`),
    section(`*${view.verdictText}* — ${view.counts}`),
  ];
  const notes = [view.pending && `⏳ ${escapeMrkdwn(view.pending)}`, view.afterGrant && `✅ ${escapeMrkdwn(inSlack(view.afterGrant))}`].filter(
    (n): n is string => !!n,
  );
  if (notes.length > 0) head.push(context(...notes));

  if (view.pasted) head.push(pastedBlock(view.pasted));
  const grant = view.grant ? grantBlocks(view.grant) : [];
  const others = othersBlocks(view.others);
  const tail: Block[] = [
    context(
      ...[
        view.links.length > 0
          ? view.links.map((l) => `<${l.url.replace(/[|>]/g, encodeURIComponent)}|${escapeMrkdwn(l.title)}>`).join(' · ')
          : undefined,
        `Evidence read at ${view.collectedAt}. Say \`check again\` for the state now.`,
      ].filter((t): t is string => !!t),
    ),
  ];

  // Problems come first and the grant must never be cut: rows that do not fit are counted, not dropped silently.
  const room = MAX_BLOCKS - head.length - grant.length - others.length - tail.length - 1;
  const problems: Block[] = [];
  let shown = 0;
  for (const row of view.problems) {
    const blocks = [{ type: 'divider' } as Block, ...rowBlocks(row)];
    if (problems.length + blocks.length > room) break;
    problems.push(...blocks);
    shown += 1;
  }
  if (shown < view.problems.length) {
    const rest = view.problems.slice(shown);
    problems.push(
      section(
        `*${rest.length} more finding${rest.length === 1 ? '' : 's'} not shown here* (${rest.map((r) => `\`${r.check}\` ${r.statusLabel.toLowerCase()}`).join(', ')}). Run the CLI with --format json for all of them.`,
      ),
    );
  }
  return {
    text: fitText(replaceTimes(`${view.verdictIcon} ${view.heading}: ${view.conclusion}`, utcText), MAX_TEXT),
    blocks: [...head, ...problems, ...grant, ...others, ...tail],
  };
}

/** The pasted excerpt and, per candidate cause, whether a finding confirms or rules it out. */
function pastedBlock(p: PastedView): Block {
  const lines = [
    `\`${fitText(escapeMrkdwn(p.excerpt).replace(/`/g, "'"), 300)}\``,
    '*What the findings say about its causes:*',
    ...p.candidates.map((c) => `${c.icon} *${c.verdict}* — ${escapeMrkdwn(c.title)} \`${c.check}\`: ${escapeMrkdwn(c.evidence)}`),
    ...p.others.map((o) => `_Also in the paste:_ ${escapeMrkdwn(o)}`),
  ];
  return section(lines.join('\n'));
}

function rowBlocks(row: FindingRowView): Block[] {
  const lines = [`${row.icon} *${escapeMrkdwn(row.title)}* \`${row.check}\` — ${row.statusLabel}`, escapeMrkdwn(row.evidence)];
  if (row.fix) lines.push(`*Fix:* ${escapeMrkdwn(row.fix)}`);
  if (row.needs) lines.push(`*To see this, the bot needs:* ${escapeMrkdwn(row.needs)}`);
  const blocks = [section(lines.join('\n'))];
  if (row.command) blocks.push(section(code(row.command)));
  return blocks;
}

function grantBlocks(g: GrantView): Block[] {
  const what = [
    `*Proposed fix: grant ${escapeMrkdwn(g.role)}*`,
    `*Principal:* ${escapeMrkdwn(g.principal)} (\`${g.principalId}\`, ServicePrincipal)`,
    `*Role:* ${escapeMrkdwn(g.role)} (\`${g.roleGuid}\`)`,
    `*Scope:* ${escapeMrkdwn(g.scopeName)} — \`${escapeMrkdwn(g.scope)}\``,
  ];
  if (g.condition) what.push(`*Condition:* \`${escapeMrkdwn(g.condition)}\``);
  const blocks: Block[] = [{ type: 'divider' }, section(what.join('\n')), section(`*Status:* ${escapeMrkdwn(inSlack(g.status))}`)];
  const done: string[] = [];
  if (g.approvedAt) done.push(`*Approved by* ${escapeMrkdwn(g.approvedBy ?? 'an approver')} at ${g.approvedAt}`);
  if (g.assignmentId) done.push(`*Role assignment:* \`${escapeMrkdwn(g.assignmentId)}\``);
  if (g.verification) done.push(`*Verification:* ${escapeMrkdwn(g.verification)}`);
  if (done.length > 0) blocks.push(section(done.join('\n')));
  if (g.nextSteps.length > 0) blocks.push(section(`*Next:* ${stepsText(g.nextSteps)}`));
  if (g.pressable) {
    blocks.push(section(`Or run it yourself:\n${code(g.azCommand)}`));
    blocks.push({
      type: 'actions',
      block_id: 'grant',
      elements: [
        {
          type: 'button',
          action_id: GRANT_ACTION_ID,
          style: 'primary',
          text: plain(`Approve: grant ${g.role}`, 75),
          value: g.approvalId,
          confirm: {
            title: plain(`Grant ${g.role}?`, 100),
            text: mrkdwn(
              `This writes a role assignment in Azure: *${escapeMrkdwn(g.role)}* for *${escapeMrkdwn(g.principal)}* on *${escapeMrkdwn(g.scopeName)}*.`,
              300,
            ),
            confirm: plain('Grant', 30),
            deny: plain('Cancel', 30),
          },
        },
      ],
    });
  }
  return blocks;
}

/** Advice lines as prose, the commands among them as code blocks (consecutive commands share one). */
function stepsText(steps: readonly string[]): string {
  const parts: string[] = [];
  let commands: string[] = [];
  const flush = () => {
    if (commands.length > 0) parts.push(code(commands.join('\n')));
    commands = [];
  };
  for (const step of steps) {
    if (/^(kubectl|az) /.test(step)) commands.push(step);
    else {
      flush();
      parts.push(escapeMrkdwn(step));
    }
  }
  flush();
  return parts.join('\n');
}

/** The view model names Teams' "Check again" button; in Slack the same thing is said, not pressed. */
function inSlack(text: string): string {
  return text.replace(/Press "Check again"/g, 'Say "check again"');
}

/** Passed / not-applicable checks as one compact list: they matter as "what was looked at", not in detail. */
function othersBlocks(rows: readonly FindingRowView[]): Block[] {
  if (rows.length === 0) return [];
  const items = rows.map((r) => `${r.icon} ${escapeMrkdwn(r.title)} \`${r.check}\``);
  const chunks: string[] = [];
  let current = `*Other checks:* ${items[0]}`;
  for (const item of items.slice(1)) {
    if (current.length + item.length + 3 > MAX_TEXT) {
      chunks.push(current);
      current = item;
    } else current = `${current} · ${item}`;
  }
  chunks.push(current);
  return [context(...chunks)];
}

export function progressBlocks(view: ProgressView): SlackMessage {
  return { text: fitText(view.heading, MAX_TEXT), blocks: [section(`⏳ *${escapeMrkdwn(view.heading)}*`), context(escapeMrkdwn(view.detail))] };
}

export function askBlocks(view: AskView): SlackMessage {
  const blocks: Block[] = [];
  if (view.understood) blocks.push(section(escapeMrkdwn(view.understood)));
  if (view.error) blocks.push(section(`⚠️ ${escapeMrkdwn(view.error)}`));
  blocks.push(section(`*${escapeMrkdwn(view.question)}*`), context(`Reply with ${escapeMrkdwn(view.placeholder)}. ${escapeMrkdwn(view.hint)}`));
  return { text: fitText(view.question, MAX_TEXT), blocks };
}

export function helpBlocks(view: HelpView): SlackMessage {
  const blocks: Block[] = [{ type: 'header', text: plain(view.welcome ? 'Image pull triage — hello' : 'Image pull triage', MAX_HEADER) }];
  if (view.demo)
    blocks.push(section('*Demo mode: Azure is simulated.* Every cluster, registry and role assignment comes from the embedded emulator.'));
  blocks.push(section(view.commands.map((c) => `\`${escapeMrkdwn(c.command)}\` — ${escapeMrkdwn(c.meaning)}`).join('\n')));
  blocks.push(context(`Try: ${view.examples.map((e) => `\`${escapeMrkdwn(e)}\``).join(' · ')}`));
  return { text: 'Image pull triage: say "check <cluster> <registry>".', blocks };
}

/** Refusals and errors: shown to the presser alone (chat.postEphemeral) or in the conversation. */
export function noticeBlocks(view: NoticeView): SlackMessage {
  const icon = view.tone === 'attention' ? '⛔' : view.tone === 'warning' ? '⚠️' : view.tone === 'good' ? '✅' : 'ℹ️';
  return {
    text: fitText(replaceTimes(`${view.title}: ${view.text}`, utcText), MAX_TEXT),
    blocks: [section(`${icon} *${escapeMrkdwn(view.title)}*\n${escapeMrkdwn(view.text)}`)],
  };
}

export function auditBlocks(view: AuditView): SlackMessage {
  const blocks: Block[] = [{ type: 'header', text: plain(view.title, MAX_HEADER) }];
  let current = '';
  for (const e of view.entries) {
    const line = `${e.at} *${escapeMrkdwn(e.kind)}* ${escapeMrkdwn(e.text)}`;
    if (current && current.length + line.length + 1 > MAX_TEXT) {
      blocks.push(section(current));
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(section(current));
  return { text: fitText(view.title, MAX_TEXT), blocks: blocks.slice(0, MAX_BLOCKS) };
}
