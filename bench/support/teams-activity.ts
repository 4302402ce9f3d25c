/**
 * Teams-shaped @mention activities for any number of distinct conversations (test/e2e/teams.ts has one
 * fixed channel), and the POST that delivers one to a bot, timed on performance.now().
 */
import { randomUUID } from 'node:crypto';

const BOT = { id: '28:bot-app-id', name: 'triage' };
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export function conversationId(n: number, label: string): string {
  return `19:bench-${label}-${n}@thread.tacv2;messageid=1700000000000`;
}

/** An @mention of the bot by person `n` in channel conversation `conversation`. */
export function mention(serviceUrl: string, conversation: string, n: number, text: string) {
  const hex = n.toString(16).padStart(12, '0');
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: `29:bench-user-${n}`, aadObjectId: `00000000-0000-4000-8000-${hex}`, name: `Bench User ${n}` },
    recipient: BOT,
    conversation: { id: conversation, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: conversation.split(';')[0] } },
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
  };
}

/** A press of the grant button (Action.Execute, verb grant) by `presser` on the card `replyToId`. */
export function grantPress(
  serviceUrl: string,
  conversation: string,
  presser: { id: string; aadObjectId: string; name: string },
  replyToId: string,
  approvalId: string,
) {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: presser,
    recipient: BOT,
    conversation: { id: conversation, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    channelData: { tenant: { id: TENANT }, team: { id: '19:team@thread.tacv2' }, channel: { id: conversation.split(';')[0] } },
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb: 'grant', data: { approvalId } }, trigger: 'manual' },
  };
}

export interface Posted {
  status: number;
  /** From just before the request to the end of the response body. */
  ms: number;
  /** performance.now() just before the request: the zero for end-to-end timings. */
  started: number;
  body: string;
}

export async function post(botUrl: string, activity: unknown, signal: AbortSignal): Promise<Posted> {
  const body = JSON.stringify(activity);
  const started = performance.now();
  const res = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, started, body: text };
}
