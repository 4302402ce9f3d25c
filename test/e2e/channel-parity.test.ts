/**
 * One behaviour for every channel: the same script of events, driven over HTTP through the Teams adapter
 * (Bot Framework activities to /api/messages, a fake Bot Connector) and through the Slack adapter (signed
 * requests to /slack/events, a fake Slack Web API), each on its own app in demo mode (the real engine on
 * the ARM emulator). Each step must reach the same decision of the conversation core and write the same
 * audit entries in both channels. Where the channels must differ, the table says so in `private` (how a
 * refusal reaches the presser alone) and the text at the end (what exists in one channel only).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { createStorage } from '../../src/storage';
import { createAuditLog, type AuditEntry } from '../../src/storage/audit';
import { buttonsOf } from './block-assertions';
import { FakeConnector, cardOf } from './fake-connector';
import { BOT_USER, FakeSlackApi, pressBody, send, signed } from './fake-slack';
import { execute, mention, post, type TeamsUser } from './teams';

type Who = 'ana' | 'olga' | 'nick' | 'rita';
type OfferRef = { offer: number } | { raw: unknown };

interface Step {
  name: string;
  who: Who;
  /** A message to the bot… */
  say?: string;
  /** …or the same delivery as the message of step `redeliver` (same Slack event_id / Teams activity id)… */
  redeliver?: number;
  /** …or a press of the grant button on an offer seen so far (`offer` counts from 0), or with a made-up id. */
  press?: OfferRef;
  /** Age this offer past its expiry first, as time would. */
  expireFirst?: number;
  decision: string;
  /** Kinds (and refusal reasons) of the audit entries the step writes, in order. */
  audit: string[];
  /** Messages the step adds to the conversation (progress / findings / questions), not counting updates. */
  newMessages: number;
  /** A refusal reaches the presser alone: Teams as the invoke response card, Slack as an ephemeral message. */
  private?: true;
  /** This offer's button is gone for everyone afterwards. */
  buttonGone?: number;
  /** Where a channel must differ (what it can show to one person alone), what it does instead. */
  differs?: Partial<Record<'teams' | 'slack', Partial<Pick<Step, 'decision' | 'newMessages'>>>>;
}

const MALFORMED = '../../approvals/x';
const FORGED = 'A'.repeat(32);

const SCRIPT: Step[] = [
  {
    name: 'check naming cluster and registry',
    who: 'ana',
    say: 'check aks-missing-role acrdemo',
    decision: 'triage',
    audit: ['triage', 'approval-requested'],
    newMessages: 1,
  },
  { name: 'the same event delivered again', who: 'ana', redeliver: 0, decision: 'duplicate', audit: [], newMessages: 0 },
  {
    name: 'non-approver press',
    who: 'nick',
    press: { offer: 0 },
    decision: 'press-refused:not-approver',
    audit: ['approval-refused:not-approver'],
    newMessages: 0,
    private: true,
  },
  {
    name: 'self-approval',
    who: 'ana',
    press: { offer: 0 },
    decision: 'press-refused:self-approval',
    audit: ['approval-refused:self-approval'],
    newMessages: 0,
    private: true,
  },
  {
    name: 'malformed approval id',
    who: 'olga',
    press: { raw: MALFORMED },
    decision: 'press-refused:unknown-id',
    audit: ['approval-refused:unknown-id'],
    newMessages: 0,
    private: true,
  },
  {
    name: 'forged (well-formed, never issued) approval id',
    who: 'olga',
    press: { raw: FORGED },
    decision: 'press-refused:unknown-id',
    audit: ['approval-refused:unknown-id'],
    newMessages: 0,
    private: true,
  },
  {
    name: 'free text naming only the cluster',
    who: 'rita',
    say: 'pods on aks-missing-role are stuck in ImagePullBackOff',
    decision: 'ask-registry',
    audit: [],
    newMessages: 1,
  },
  {
    name: 'the missing registry, answered',
    who: 'rita',
    say: 'acrdemo',
    decision: 'triage',
    audit: ['triage', 'approval-requested'],
    newMessages: 1,
  },
  {
    name: 'expired offer',
    who: 'olga',
    expireFirst: 1,
    press: { offer: 1 },
    decision: 'press-refused:expired',
    audit: ['approval-refused:expired'],
    newMessages: 0,
    private: true,
    buttonGone: 1,
  },
  { name: 'check again', who: 'rita', say: 'check again', decision: 'triage', audit: ['triage', 'approval-requested'], newMessages: 1 },
  {
    name: 'approver grants',
    who: 'olga',
    press: { offer: 0 },
    decision: 'press-accepted',
    audit: ['approved', 'grant-started', 'grant', 'verification'],
    newMessages: 0,
    buttonGone: 0,
  },
  {
    name: 'the same press replayed',
    who: 'olga',
    press: { offer: 0 },
    decision: 'press-refused:already-handled',
    audit: ['approval-refused:already-handled'],
    newMessages: 0,
    private: true,
  },
  // The log names other people's requests: Slack shows it (and the refusal) to the asker alone, ephemerally; Teams
  // can answer one person alone only in a one-to-one chat, so in this channel it says where to ask instead.
  {
    name: 'audit asked by a non-approver',
    who: 'nick',
    say: 'audit',
    decision: 'audit-refused',
    audit: [],
    newMessages: 1,
    differs: { slack: { newMessages: 0 } },
  },
  {
    name: 'audit asked by an approver',
    who: 'ana',
    say: 'audit',
    decision: 'audit',
    audit: [],
    newMessages: 0,
    differs: { teams: { decision: 'audit-elsewhere', newMessages: 1 } },
  },
  { name: 'the audit request delivered again', who: 'ana', redeliver: 13, decision: 'duplicate', audit: [], newMessages: 0 },
];

const TEAMS_PEOPLE: Record<Who, TeamsUser> = {
  ana: { id: '29:1ana', aadObjectId: '0000000b-0000-4000-8000-0000000000b2', name: 'Ana Approver' },
  olga: { id: '29:1olga', aadObjectId: '0000000d-0000-4000-8000-0000000000d4', name: 'Olga Approver' },
  nick: { id: '29:1nick', aadObjectId: '0000000c-0000-4000-8000-0000000000c3', name: 'Nick Nonapprover' },
  rita: { id: '29:1rita', aadObjectId: '0000000a-0000-4000-8000-0000000000a1', name: 'Rita Requester' },
};
const SLACK_PEOPLE: Record<Who, { id: string; name: string }> = {
  ana: { id: 'U0ANA', name: 'ana' },
  olga: { id: 'U0OLGA', name: 'olga' },
  nick: { id: 'U0NICK', name: 'nick' },
  rita: { id: 'U0RITA', name: 'rita' },
};
const APPROVERS = [TEAMS_PEOPLE.ana.aadObjectId, TEAMS_PEOPLE.olga.aadObjectId, `slack:${SLACK_PEOPLE.ana.id}`, `slack:${SLACK_PEOPLE.olga.id}`].join(
  ',',
);
const SECRET = 'parity-signing-secret';
const CHANNEL = 'C0PARITY';

/** What one step did, as the test observed it from outside. */
interface Observed {
  decision: string;
  audit: string[];
  newMessages: number;
  privately: boolean;
  buttonGone?: boolean;
}

interface Driver {
  /** Sends a message; returns a handle to redeliver it. */
  say(who: Who, text: string): Promise<unknown>;
  redeliver(handle: unknown): Promise<void>;
  press(who: Who, ref: OfferRef): Promise<{ privately: boolean }>;
  offers(): string[];
  newMessages(): number;
  hasButton(approvalId: string): boolean;
}

async function run(channel: 'teams' | 'slack'): Promise<Observed[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `triage-parity-${channel}-`));
  const decisions: string[] = [];
  const log: Logger = {
    info: (message, detail) => {
      if (message === 'decision' && detail?.channel === channel) decisions.push(String(detail.decision));
    },
    warn: () => undefined,
    error: () => undefined,
  };
  const connector = new FakeConnector();
  const slackApi = new FakeSlackApi();
  await connector.start();
  await slackApi.start();
  const env: Record<string, string> = {
    PORT: '0',
    TRIAGE_DEMO: 'true',
    TRIAGE_DATA_DIR: dataDir,
    TRIAGE_APPROVERS: APPROVERS,
    TRIAGE_ALLOW_SELF_APPROVAL: 'false',
    TRIAGE_APPROVAL_TTL: '1h',
    TRIAGE_PODS: 'false',
  };
  if (channel === 'slack') Object.assign(env, { SLACK_BOT_TOKEN: 'xoxb-parity', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slackApi.url });
  const app: App = await startApp({ env, log, print: () => undefined });
  const driver = channel === 'teams' ? teamsDriver(app, connector) : slackDriver(app, slackApi);
  const audit = await createAuditLog({ dataDir });
  const handles: unknown[] = [];
  const observed: Observed[] = [];
  try {
    for (const [index, step] of SCRIPT.entries()) {
      if (step.expireFirst !== undefined) await expire(dataDir, driver.offers()[step.expireFirst]);
      const decided = decisions.length;
      const audited = (await audit.recent(1000)).length;
      const messages = driver.newMessages();
      let privately = false;
      if (step.say !== undefined) handles[index] = await driver.say(step.who, step.say);
      else if (step.redeliver !== undefined) await driver.redeliver(handles[step.redeliver]);
      else if (step.press) privately = (await driver.press(step.who, step.press)).privately;
      await until(() => decisions.length > decided, `${channel}: no decision for "${step.name}"`);
      await app.core.background.idle();
      // recent() lists oldest first: what this step wrote is what follows the entries there were before.
      const entries = (await audit.recent(1000)).slice(audited);
      observed.push({
        decision: decisions[decided],
        audit: entries.map(describeEntry),
        newMessages: driver.newMessages() - messages,
        privately,
        ...(step.buttonGone !== undefined ? { buttonGone: !driver.hasButton(driver.offers()[step.buttonGone]) } : {}),
      });
    }
  } finally {
    await app.close(2_000);
    await connector.close();
    await slackApi.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return observed;
}

function describeEntry(entry: AuditEntry): string {
  return entry.kind === 'approval-refused' ? `${entry.kind}:${String(entry.reason).split(':')[0]}` : entry.kind;
}

function expected(step: Step, channel: 'teams' | 'slack'): Observed {
  const own = step.differs?.[channel] ?? {};
  return {
    decision: own.decision ?? step.decision,
    audit: step.audit,
    newMessages: own.newMessages ?? step.newMessages,
    privately: step.private === true,
    ...(step.buttonGone !== undefined ? { buttonGone: true } : {}),
  };
}

async function expire(dataDir: string, approvalId: string): Promise<void> {
  const storage = await createStorage({ dataDir });
  const key = `approvals/${approvalId}`;
  const item = (await storage.read([key]))[key];
  await storage.write({ [key]: { ...item, expiresAt: new Date(Date.now() - 1000).toISOString(), eTag: '*' } });
}

async function until(done: () => boolean, message: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function teamsDriver(app: App, connector: FakeConnector): Driver {
  const approvalIds = (activity: Record<string, unknown>) => grantIds(cardOf(activity));
  const offers = () => [...new Set(connector.sent.flatMap((s) => approvalIds(s.activity)))];
  /** The activity id of the message that offered `approvalId`, and its latest content. */
  const messageOf = (approvalId: string) => connector.sent.filter((s) => approvalIds(s.activity).includes(approvalId)).at(-1);
  const latest = (id: string) => connector.sent.filter((s) => s.id === id).at(-1);
  return {
    async say(who, text) {
      const activity = mention(connector.url, TEAMS_PEOPLE[who], text);
      expect((await post(app.server.url, activity)).status).toBe(200);
      return activity;
    },
    async redeliver(activity) {
      expect((await post(app.server.url, activity)).status).toBe(200);
    },
    async press(who, ref) {
      const offered = offers();
      const approvalId = 'offer' in ref ? offered[ref.offer] : ref.raw;
      const on = messageOf(offered['offer' in ref ? ref.offer : offered.length - 1]);
      if (!on) throw new Error('no findings message to press on');
      const res = await post(app.server.url, execute(connector.url, TEAMS_PEOPLE[who], on.id, 'grant', { approvalId }));
      expect(res.status).toBe(200);
      const body = res.body as { statusCode?: number; type?: string; value?: Record<string, unknown> };
      const text = JSON.stringify(body.value ?? {});
      return { privately: body.type === 'application/vnd.microsoft.card.adaptive' && text.includes('Not approved — nothing was changed') };
    },
    offers,
    newMessages: () => connector.sent.filter((s) => s.method === 'POST' && s.activity.type === 'message').length,
    hasButton(approvalId) {
      const on = messageOf(approvalId);
      const now = on && latest(on.id);
      return !!now && grantIds(cardOf(now.activity)).includes(approvalId);
    },
  };
}

/** The approval ids of the grant buttons on a card (not its refresh action, which names the approval too). */
function grantIds(card: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      const data = o.data as Record<string, unknown> | undefined;
      if (o.type === 'Action.Execute' && o.verb === 'grant' && typeof data?.approvalId === 'string') found.push(data.approvalId);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return found;
}

function slackDriver(app: App, slackApi: FakeSlackApi): Driver {
  const events = `${app.server.url}/slack/events`;
  const grantValues = (c: (typeof slackApi.calls)[number]) =>
    buttonsOf({ blocks: c.args.blocks ?? [] }).flatMap((b) => (b.action_id === 'grant' && b.value ? [b.value] : []));
  const offers = () => [...new Set(slackApi.calls.flatMap(grantValues))];
  const messageOf = (approvalId: string) => slackApi.calls.filter((c) => c.method === 'chat.update' && grantValues(c).includes(approvalId)).at(-1);
  const latest = (ts: string) => slackApi.calls.filter((c) => c.method === 'chat.update' && c.args.ts === ts).at(-1);
  let sequence = 0;
  const deliver = (body: string, retry?: number) => {
    const request = signed(SECRET, body, 'application/json');
    // Slack marks a redelivery with these headers; the body (and its event_id) is the same.
    if (retry) Object.assign(request.headers, { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' });
    return send(events, request);
  };
  return {
    async say(who, text) {
      const body = JSON.stringify({
        token: 'legacy-unused',
        team_id: 'T0TEAM',
        api_app_id: 'A0APP',
        type: 'event_callback',
        event_id: `Ev0PARITY${++sequence}`,
        event_time: Math.floor(Date.now() / 1000),
        event: {
          type: 'app_mention',
          user: SLACK_PEOPLE[who].id,
          text: `<@${BOT_USER}> ${text}`,
          channel: CHANNEL,
          ts: `${Date.now() / 1000}`,
          event_ts: `${Date.now() / 1000}`,
        },
      });
      expect((await deliver(body)).status).toBe(200);
      return body;
    },
    async redeliver(body) {
      expect((await deliver(String(body), 1)).status).toBe(200);
    },
    async press(who, ref) {
      const offered = offers();
      const value = 'offer' in ref ? offered[ref.offer] : String(ref.raw);
      const on = messageOf(offered['offer' in ref ? ref.offer : offered.length - 1]);
      if (!on) throw new Error('no findings message to press on');
      const before = slackApi.calls.length;
      const request = signed(
        SECRET,
        pressBody({ user: SLACK_PEOPLE[who], channel: CHANNEL, messageTs: String(on.args.ts), value }),
        'application/x-www-form-urlencoded',
      );
      expect((await send(events, request)).status).toBe(200);
      await app.core.background.idle();
      const ephemeral = () => slackApi.calls.slice(before).some((c) => c.method === 'chat.postEphemeral' && c.args.user === SLACK_PEOPLE[who].id);
      // The ack answers before the decision: give the ephemeral message a moment when one is coming.
      for (let i = 0; i < 25 && !ephemeral(); i++) await new Promise((r) => setTimeout(r, 20));
      return { privately: ephemeral() };
    },
    offers,
    newMessages: () => slackApi.calls.filter((c) => c.method === 'chat.postMessage').length,
    hasButton(approvalId) {
      const on = messageOf(approvalId);
      const now = on && latest(String(on.args.ts));
      return !!now && grantValues(now).includes(approvalId);
    },
  };
}

describe('the same script through Teams and Slack', () => {
  const results: Partial<Record<'teams' | 'slack', Observed[]>> = {};

  test.each(['teams', 'slack'] as const)(
    '%s: every step reaches the decision and audit entries in the table',
    async (channel) => {
      const observed = await run(channel);
      results[channel] = observed;
      expect(observed.map((o, i) => ({ step: SCRIPT[i].name, ...o }))).toEqual(SCRIPT.map((s) => ({ step: s.name, ...expected(s, channel) })));
    },
    180_000,
  );

  test('and the two channels observed exactly the same, except where the table says they differ', () => {
    expect(results.teams).toBeDefined();
    const alike = (observed: Observed[] | undefined) => observed?.filter((_, i) => !SCRIPT[i].differs);
    expect(alike(results.slack)).toEqual(alike(results.teams));
  });
});

/*
 * Where the channels differ by nature (not covered by the table above, pinned in teams-bot / slack tests):
 * - Teams refreshes the findings card per approver (refresh.userIds); Slack has no card refresh, so its
 *   message is the same for everyone.
 * - Slack's grant button asks for confirmation in a dialog; Teams has no confirm dialog on Action.Execute.
 * - Teams answers the ask-for-target form in place (the form turns into the progress card); Slack has no
 *   form and asks in text.
 */
