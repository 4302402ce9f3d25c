/**
 * Adaptive Card renderer: expands the templates in cards/*.json with a view model. Cards are 1.5 with
 * Action.Execute; buttons carry only `{ approvalId }` or `{ action }` — never what would be granted.
 */
import * as ACData from 'adaptivecards-templating';
import askTemplate from '../../cards/ask-target.json';
import auditTemplate from '../../cards/audit.json';
import findingsTemplate from '../../cards/findings.json';
import helpTemplate from '../../cards/help.json';
import noticeTemplate from '../../cards/notice.json';
import progressTemplate from '../../cards/progress.json';
import { plainData } from './card-markdown';
import { adaptiveCardTime, replaceTimesInPlace } from './times';
import {
  toReportView,
  type AskView,
  type AuditView,
  type HelpView,
  type LinkView,
  type NoticeView,
  type ProgressView,
  type ReportViewOptions,
  type TriageSnapshot,
} from './view-model';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** Teams refuses messages above ~28 KB; every card stays below this. */
export const MAX_CARD_BYTES = 28 * 1024;

export type CardJson = Record<string, unknown>;

/**
 * Parsed templates, one per card file, made when this module loads. Constructing a Template parses every
 * `${…}` with an ANTLR parser (about 180 ms on a cold process, the findings card most of it), while `expand`
 * only evaluates: parsing at start-up keeps that cost out of the first burst of checks, and a template that
 * does not parse stops the start instead of a turn.
 */
const templates = {
  ask: new ACData.Template(askTemplate),
  audit: new ACData.Template(auditTemplate),
  findings: new ACData.Template(findingsTemplate),
  help: new ACData.Template(helpTemplate),
  notice: new ACData.Template(noticeTemplate),
  progress: new ACData.Template(progressTemplate),
};

/** Expands a template with view data, every string of which is made plain markdown first (card-markdown.ts). */
function expand(template: ACData.Template, data: object, ownMarkdown: Record<string, string | undefined> = {}): CardJson {
  const expanded: unknown = template.expand({ $root: { ...plainData(data), ...ownMarkdown } });
  if (typeof expanded !== 'object' || expanded === null) throw new Error('Card template expanded to nothing');
  return expanded as CardJson;
}

export function cardBytes(card: CardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

export interface FindingsCardOptions extends Omit<ReportViewOptions, 'maxTextLength' | 'includeOthers'> {
  /** Teams user MRIs that get the live approver view through `refresh`; other clients ignore it. */
  refreshUserIds?: readonly string[];
}

/** Cuts text progressively (then drops the passed-check list) until the card fits the channel's size limit. */
const BUDGETS: { maxTextLength: number; includeOthers: boolean }[] = [
  { maxTextLength: 1200, includeOthers: true },
  { maxTextLength: 600, includeOthers: true },
  { maxTextLength: 300, includeOthers: true },
  { maxTextLength: 300, includeOthers: false },
  { maxTextLength: 150, includeOthers: false },
  { maxTextLength: 60, includeOthers: false },
];

export function findingsCard(snapshot: TriageSnapshot, options: FindingsCardOptions = {}): CardJson {
  let card: CardJson = {};
  for (const budget of BUDGETS) {
    const view = toReportView(snapshot, { ...options, ...budget });
    card = replaceTimesInPlace(expand(templates.findings, view, { portalLinks: markdownLinks(view.links) }), adaptiveCardTime);
    if (view.grant && options.refreshUserIds && options.refreshUserIds.length > 0) {
      card.refresh = {
        action: { type: 'Action.Execute', title: 'Refresh', verb: 'refresh', data: { approvalId: view.grant.approvalId } },
        userIds: [...options.refreshUserIds].slice(0, 60),
      };
    }
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
  }
  return card;
}

/** Links as wrapping markdown in one TextBlock: a row of OpenUrl buttons overflows narrow clients. */
function markdownLinks(links: readonly LinkView[]): string | undefined {
  if (links.length === 0) return undefined;
  return links.map((l) => `[${l.title.replace(/[[\]]/g, '')}](${l.url.replace(/\)/g, '%29')})`).join(' · ');
}

export function progressCard(view: ProgressView): CardJson {
  return expand(templates.progress, view);
}

export function askCard(view: AskView): CardJson {
  return expand(templates.ask, view);
}

/** Help is asked for most and never changes within a process: each help view is expanded once. */
const helpCards = new WeakMap<HelpView, CardJson>();

/** The help card of `view`, frozen: the same object answers every help turn, so nothing may change it. */
export function helpCard(view: HelpView): CardJson {
  let card = helpCards.get(view);
  if (!card) {
    card = deepFreeze(expand(templates.help, view));
    helpCards.set(view, card);
  }
  return card;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function noticeCard(view: NoticeView): CardJson {
  return replaceTimesInPlace(expand(templates.notice, view), adaptiveCardTime);
}

export function auditCard(view: AuditView): CardJson {
  return replaceTimesInPlace(expand(templates.audit, view), adaptiveCardTime);
}
