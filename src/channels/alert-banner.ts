/**
 * The lines an alert puts on top of the usual findings card: which alert, how severe, when it first fired,
 * how often it was seen since, and whether it is resolved. Wording here; each renderer only places it.
 */
import type { CardJson } from './adaptive-card';
import { MAX_BLOCKS, escapeMrkdwn, fitText, type SlackMessage } from './block-kit';
import type { Tone } from './view-model';

export interface AlertHeader {
  name: string;
  severity?: string;
  /** When the alert first fired (the sender's time). */
  firedAt: string;
  /** Alerts counted into this card, and when the first and the last arrived. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  resolvedAt?: string;
  /** Why it is resolved: the sender said so, or a re-check passed. */
  resolvedBy?: 'alert' | 'recheck';
}

export interface AlertBannerView {
  lines: string[];
  tone: Tone;
}

/** `02:13` for today's times, `Dec 3 02:13` otherwise; always UTC, said once. */
function hhmm(iso: string, now: Date): string {
  const d = new Date(iso);
  const time = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const sameDay = d.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  return sameDay ? time : `${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${d.getUTCDate()} ${time}`;
}

export function alertBannerView(h: AlertHeader, now: Date = new Date()): AlertBannerView {
  const severity = h.severity ? ` · ${h.severity}` : '';
  const lines = [`🔔 Alert: ${h.name}${severity} · first fired ${hhmm(h.firedAt, now)} UTC`];
  if (h.count > 1) lines.push(`Seen ${h.count} times since ${hhmm(h.firstSeen, now)}, last ${hhmm(h.lastSeen, now)} UTC`);
  if (h.resolvedAt) {
    lines.push(`✅ Resolved at ${hhmm(h.resolvedAt, now)} UTC${h.resolvedBy === 'recheck' ? ' (a re-check passed)' : ' (the alert says so)'}`);
  }
  return { lines, tone: h.resolvedAt ? 'good' : 'attention' };
}

const ADAPTIVE_COLOR: Record<Tone, string> = { good: 'Good', attention: 'Attention', warning: 'Warning', accent: 'Accent', default: 'Default' };

export function cardWithBanner(card: CardJson, banner: AlertBannerView): CardJson {
  const body = Array.isArray(card.body) ? card.body : [];
  const container = {
    type: 'Container',
    style: banner.tone === 'good' ? 'good' : 'attention',
    items: banner.lines.map((text, i) => ({
      type: 'TextBlock',
      text,
      wrap: true,
      weight: i === 0 ? 'Bolder' : 'Default',
      color: i === 0 ? ADAPTIVE_COLOR[banner.tone] : 'Default',
    })),
  };
  return { ...card, body: [container, ...body] };
}

export function blocksWithBanner(message: SlackMessage, banner: AlertBannerView): SlackMessage {
  const section = {
    type: 'section' as const,
    text: {
      type: 'mrkdwn' as const,
      text: fitText(banner.lines.map((l, i) => (i === 0 ? `*${escapeMrkdwn(l)}*` : escapeMrkdwn(l))).join('\n'), 3000),
    },
  };
  const blocks = [section, ...message.blocks];
  // The findings were fitted to Slack's block limit already: make room by dropping from just above the buttons.
  while (blocks.length > MAX_BLOCKS) blocks.splice(blocks.length - 2, 1);
  return { text: fitText(`${banner.lines[0]} — ${message.text}`, 3000), blocks };
}
