/** Teams-shaped activities (channel conversation, @mention, aadObjectId) posted to the bot over HTTP. */
import { randomUUID } from 'node:crypto';

export const BOT = { id: '28:bot-app-id', name: 'triage' };
export const TEAM_CONVERSATION = {
  id: '19:incident-room@thread.tacv2;messageid=1700000000000',
  conversationType: 'channel',
  isGroup: true,
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
};

export interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
}

export const RITA: TeamsUser = { id: '29:1rita', aadObjectId: '0000000a-0000-4000-8000-0000000000a1', name: 'Rita Requester' };
export const ANA: TeamsUser = { id: '29:1ana', aadObjectId: '0000000b-0000-4000-8000-0000000000b2', name: 'Ana Approver' };
export const NICK: TeamsUser = { id: '29:1nick', aadObjectId: '0000000c-0000-4000-8000-0000000000c3', name: 'Nick Nonapprover' };

/** A team channel: its conversation and the team whose roster TeamsInfo reads. */
export interface TeamsPlace {
  conversation: typeof TEAM_CONVERSATION;
  teamId: string;
  channelId: string;
}

export const INCIDENT_ROOM: TeamsPlace = {
  conversation: TEAM_CONVERSATION,
  teamId: '19:team@thread.tacv2',
  channelId: '19:incident-room@thread.tacv2',
};

/** Another team's channel, for tests that need a roster of their own (no shared cache with INCIDENT_ROOM). */
export function otherTeam(name: string): TeamsPlace {
  const channelId = `19:${name}-room@thread.tacv2`;
  return { conversation: { ...TEAM_CONVERSATION, id: `${channelId};messageid=1700000000001` }, teamId: `19:${name}@thread.tacv2`, channelId };
}

function base(serviceUrl: string, from: TeamsUser, place: TeamsPlace = INCIDENT_ROOM) {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from,
    recipient: BOT,
    conversation: place.conversation,
    channelData: { tenant: { id: TEAM_CONVERSATION.tenantId }, team: { id: place.teamId }, channel: { id: place.channelId } },
  };
}

export function mention(serviceUrl: string, from: TeamsUser, text: string, place?: TeamsPlace) {
  return {
    ...base(serviceUrl, from, place),
    type: 'message',
    text: `<at>${BOT.name}</at> ${text}`,
    textFormat: 'plain',
    entities: [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }],
  };
}

export function execute(serviceUrl: string, from: TeamsUser, replyToId: string, verb: string, data: Record<string, unknown>, place?: TeamsPlace) {
  return {
    ...base(serviceUrl, from, place),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data }, trigger: 'manual' },
  };
}

export function installed(serviceUrl: string, by: TeamsUser) {
  return {
    ...base(serviceUrl, by),
    type: 'conversationUpdate',
    membersAdded: [BOT],
    channelData: { eventType: 'teamMemberAdded', tenant: { id: TEAM_CONVERSATION.tenantId } },
  };
}

export async function post(
  botUrl: string,
  activity: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = Date.now();
  const res = await fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, ms: Date.now() - started };
}
