/**
 * The Slack app end to end over HTTP, as Slack drives it: the real server (restify) with bolt mounted at
 * /slack/events, requests signed with the signing secret, the bolt WebClient talking to a fake Slack Web API
 * on loopback, and the real engine on the ARM emulator (scenario aks-missing-role).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { ApprovalService } from '../../src/conversation/approvals';
import { BackgroundWork, type Logger } from '../../src/conversation/background';
import { createConversation } from '../../src/conversation';
import { botSettingsFromEnv } from '../../src/settings';
import { startApp } from '../../src/index';
import { startServer, type RunningServer } from '../../src/server';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios';
import { createSlackApp } from '../../src/slack/app';
import { createStorage } from '../../src/storage';
import { createAuditLog } from '../../src/storage/audit';
import { blockProblems, blocksText, buttonsOf } from './block-assertions';
import { BOT_USER, FakeSlackApi, eventBody, pressBody, send, signed, type SlackCall } from './fake-slack';
import { KUBELET_EVENT } from '../fixtures/pastes';

const SECRET = 'e2e-signing-secret-8f2c';
const TOKEN = 'xoxb-e2e-token';
const CHANNEL = 'C0INCIDENTS';
const RITA = { id: 'U0RITA', name: 'rita' };
const NICK = { id: 'U0NICK', name: 'nick' };
const ANA = { id: 'U123', name: 'ana' };
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let slackApi: FakeSlackApi;
let emulator: ArmEmulator;
let server: RunningServer;
let background: BackgroundWork;
let dataDir: string;
let events: string;

beforeAll(async () => {
  slackApi = new FakeSlackApi();
  await slackApi.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-slack-'));
  emulator = createEmulator({ world: scenario('aks-missing-role').world });
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const engine = createTriageEngine({ clients, podPollIntervalMs: 10 });
  const settings = botSettingsFromEnv({ TRIAGE_APPROVERS: 'slack:U123' });
  const storage = await createStorage({ dataDir });
  const audit = await createAuditLog({ dataDir });
  const approvals = new ApprovalService({
    storage,
    audit,
    engine,
    approvers: settings.approvers,
    allowSelfApproval: false,
    ttlMs: settings.approvalTtlMs,
  });
  background = new BackgroundWork(quiet);
  const { conversation } = createConversation({
    store: storage,
    engine,
    audit,
    approvals,
    background,
    log: quiet,
    demo: false,
    auditAudience: 'approvers',
  });
  const slack = createSlackApp({ settings: { botToken: TOKEN, signingSecret: SECRET, apiUrl: slackApi.url }, conversation, log: quiet });
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    messages: async (_req, res) => {
      res.send(404);
    },
    rawRoutes: [{ path: slack.path, listener: slack.listener, beforeBody: slack.beforeBody }],
  });
  events = `${server.url}/slack/events`;
});

afterAll(async () => {
  await server?.close(2_000);
  await background?.drain(5_000);
  await emulator?.close();
  await slackApi?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const roleAssignmentPuts = () =>
  emulator.requests.filter((r) => r.method === 'PUT' && /\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(r.path));
const mention = (user: { id: string }, text: string) =>
  signed(SECRET, eventBody({ type: 'app_mention', user: user.id, text: `<@${BOT_USER}> ${text}`, channel: CHANNEL }), 'application/json');
const press = (user: { id: string; name: string }, messageTs: string, value: string) =>
  signed(SECRET, pressBody({ user, channel: CHANNEL, messageTs, value }), 'application/x-www-form-urlencoded');
const withButton = (c: SlackCall) => c.method === 'chat.update' && buttonsOf({ blocks: c.args.blocks ?? [] }).length > 0;

test('a request with a bad or stale signature is refused with 401 and nothing is processed', async () => {
  const from = slackApi.calls.length;
  const good = mention(RITA, 'check aks-missing-role acrdemo');
  const forged = { ...good, headers: { ...good.headers, 'x-slack-signature': `v0=${'0'.repeat(64)}` } };
  expect((await send(events, forged)).status).toBe(401);
  const wrongSecret = signed('not-the-secret', good.body, 'application/json');
  expect((await send(events, wrongSecret)).status).toBe(401);
  const stale = signed(SECRET, good.body, 'application/json', Math.floor(Date.now() / 1000) - 10 * 60);
  expect((await send(events, stale)).status).toBe(401);
  const unsigned = { body: good.body, headers: { 'content-type': 'application/json' } };
  expect((await send(events, unsigned)).status).toBe(401);
  await new Promise((r) => setTimeout(r, 300));
  await background.idle();
  // auth.test is the app's own start-up call (its bot user id), not the processing of a request.
  expect(slackApi.calls.slice(from).filter((c) => c.method !== 'auth.test')).toEqual([]);
  expect(emulator.requests.filter((r) => /managedClusters/i.test(r.path))).toEqual([]);
});

test("Slack's url_verification is answered with the challenge", async () => {
  const res = await send(
    events,
    signed(SECRET, JSON.stringify({ type: 'url_verification', challenge: 'ch4llenge', token: 'x' }), 'application/json'),
  );
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text)).toEqual({ challenge: 'ch4llenge' });
});

test('a DM saying help gets the help message; free text with only a cluster asks for the registry; check <cluster> alone triages the registry its pods fail on', async () => {
  const from = slackApi.calls.length;
  const dm = (text: string) =>
    signed(SECRET, eventBody({ type: 'message', channel_type: 'im', channel: 'D0RITA', user: RITA.id, text }), 'application/json');
  expect((await send(events, dm('help'))).status).toBe(200);
  const help = await slackApi.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0RITA', { from });
  expect(blocksText({ blocks: help.args.blocks ?? [] })).toContain('`check &lt;cluster&gt; &lt;registry&gt;`');
  const next = slackApi.calls.length;
  await send(events, dm('pods on aks-missing-role cannot pull'));
  const ask = await slackApi.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0RITA', { from: next });
  expect(blocksText({ blocks: ask.args.blocks ?? [] })).toContain('Which registry (or image) can aks-missing-role not pull from?');
  const byCluster = slackApi.calls.length;
  await send(events, dm('check aks-missing-role'));
  const findings = await slackApi.waitFor(
    (c) => c.method === 'chat.update' && c.args.channel === 'D0RITA' && buttonsOf({ blocks: c.args.blocks ?? [] }).length > 0,
    { from: byCluster, timeoutMs: 20_000 },
  );
  expect(blocksText({ blocks: findings.args.blocks ?? [] })).toContain('acrdemo.azurecr.io');
});

test("(before anyone grants) a pasted kubelet event asks only for the cluster; the answer's findings lead with what the error means, times as <!date>", async () => {
  const dm = (text: string) =>
    signed(SECRET, eventBody({ type: 'message', channel_type: 'im', channel: 'D0PASTE', user: RITA.id, text }), 'application/json');
  const from = slackApi.calls.length;
  // Slack escapes &, < and > in what people type; the paste reader undoes it.
  await send(events, dm(KUBELET_EVENT.replace(/&/g, '&amp;')));
  const ask = await slackApi.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'D0PASTE', { from });
  const asked = blocksText({ blocks: ask.args.blocks ?? [] });
  expect(asked).toContain('Which AKS cluster cannot pull from acrdemo.azurecr.io/shop/api:1.4.2?');
  expect(asked).toContain('From your paste (acrdemo.azurecr.io/shop/api:1.4.2)');
  const next = slackApi.calls.length;
  await send(events, dm('aks-missing-role'));
  const findings = await slackApi.waitFor((c) => withButton(c) && c.args.channel === 'D0PASTE', { from: next, timeoutMs: 20_000 });
  const message = { text: String(findings.args.text ?? ''), blocks: findings.args.blocks ?? [] };
  expect(blockProblems(message)).toEqual([]);
  const text = blocksText(message);
  expect(text.indexOf('*What the pasted error means:*')).toBeGreaterThan(-1);
  expect(text.indexOf('No role assignment grants pull on acrdemo')).toBeGreaterThan(text.indexOf('*What the pasted error means:*'));
  expect(text).toMatch(/🔴 \*confirms\* — The pulling identity holds a pull role/);
  expect(text).toMatch(/Evidence read at <!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC>/);
  expect(text.split('az role assignment create').length - 1).toBe(1);
});

test('(before anyone grants, so a plan is offered) a press on an expired offer is refused to the presser, writes nothing, and the button goes for everyone', async () => {
  const from = slackApi.calls.length;
  await send(events, mention(RITA, 'check aks-missing-role acrdemo'));
  const findings = await slackApi.waitFor(withButton, { from, timeoutMs: 20_000 });
  const ts = String(findings.args.ts);
  const approvalId = String(buttonsOf({ blocks: findings.args.blocks ?? [] })[0].value);
  // Age the stored record through the storage interface, as time would.
  const storage = await createStorage({ dataDir });
  const key = `approvals/${approvalId}`;
  const item = (await storage.read([key]))[key] as Record<string, unknown>;
  await storage.write({ [key]: { ...item, expiresAt: new Date(Date.now() - 1000).toISOString(), eTag: '*' } });
  const putsBefore = roleAssignmentPuts().length;
  const before = slackApi.calls.length;
  expect((await send(events, press(ANA, ts, approvalId))).status).toBe(200);
  const ephemeral = await slackApi.waitFor((c) => c.method === 'chat.postEphemeral', { from: before });
  expect(ephemeral.args).toEqual(expect.objectContaining({ user: ANA.id }));
  const updated = await slackApi.waitFor((c) => c.method === 'chat.update' && c.args.ts === ts, { from: before });
  expect(blocksText({ blocks: updated.args.blocks ?? [] })).toContain('expired');
  expect(buttonsOf({ blocks: updated.args.blocks ?? [] })).toEqual([]);
  await background.idle();
  expect(roleAssignmentPuts()).toHaveLength(putsBefore);
});

test('mention → "Checking…" → findings with Approve → non-approver refused privately → approver grants exactly once → replay refused', async () => {
  const from = slackApi.calls.length;
  const asked = await send(events, mention(RITA, 'check aks-missing-role acrdemo'));
  expect(asked.status).toBe(200);
  expect(asked.ms).toBeLessThan(3_000);

  const progress = await slackApi.waitFor(
    (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('Checking aks-missing-role → acrdemo'),
    { from },
  );
  expect(progress.authorization).toBe(`Bearer ${TOKEN}`);
  expect(progress.args.channel).toBe(CHANNEL);
  const ts = String(progress.response.ts);
  const findings = await slackApi.waitFor(withButton, { from, timeoutMs: 20_000 });
  expect(findings.args).toEqual(expect.objectContaining({ channel: CHANNEL, ts }));
  const message = { text: String(findings.args.text), blocks: findings.args.blocks ?? [] };
  expect(blockProblems(message)).toEqual([]);
  expect(blocksText(message)).toContain('`rbac.pull-role`');
  const [button] = buttonsOf(message);
  expect(button.action_id).toBe('grant');
  expect(button.value).toMatch(/^[A-Za-z0-9_-]{32}$/);
  const approvalId = button.value as string;

  // A non-approver's press: acked, refused to them alone, nothing written to Azure.
  const beforeNick = slackApi.calls.length;
  const refused = await send(events, press(NICK, ts, approvalId));
  expect(refused.status).toBe(200);
  const ephemeral = await slackApi.waitFor((c) => c.method === 'chat.postEphemeral', { from: beforeNick });
  expect(ephemeral.args).toEqual(expect.objectContaining({ channel: CHANNEL, user: NICK.id }));
  expect(String(ephemeral.args.text)).toContain('Not approved');
  expect(String(ephemeral.args.text)).toContain('not an approver');
  await background.idle();
  expect(slackApi.calls.slice(beforeNick).filter((c) => c.method === 'chat.update')).toEqual([]);
  expect(roleAssignmentPuts()).toHaveLength(0);

  // The approver's press: acked at once, granted after the ack, the message updated for everyone.
  const beforeAna = slackApi.calls.length;
  const pressed = press(ANA, ts, approvalId);
  const accepted = await send(events, pressed);
  expect(accepted.status).toBe(200);
  expect(accepted.ms).toBeLessThan(3_000);
  const done = await slackApi.waitFor((c) => c.method === 'chat.update' && blocksText({ blocks: c.args.blocks ?? [] }).includes('*Verification:*'), {
    from: beforeAna,
    timeoutMs: 30_000,
  });
  expect(done.args).toEqual(expect.objectContaining({ channel: CHANNEL, ts }));
  const doneText = blocksText({ blocks: done.args.blocks ?? [] });
  expect(doneText).toContain('Granted AcrPull to');
  expect(doneText).toContain('*Approved by* ana at');
  expect(doneText).toMatch(/\*Role assignment:\* `\/subscriptions\/.+\/roleAssignments\//);
  expect(doneText).toContain('Visible on the registry');
  expect(buttonsOf({ blocks: done.args.blocks ?? [] })).toEqual([]);
  expect(slackApi.calls.slice(beforeAna).filter((c) => c.method === 'chat.postEphemeral')).toEqual([]);
  await background.idle();
  const puts = roleAssignmentPuts();
  expect(puts).toHaveLength(1);
  const props = (puts[0].body as { properties: Record<string, string> }).properties;
  expect(props.roleDefinitionId.toLowerCase()).toMatch(/\/roledefinitions\/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
  expect(props.principalType).toBe('ServicePrincipal');

  // The very same signed press again (a retry or a replay): refused to the presser, no second PUT.
  const beforeReplay = slackApi.calls.length;
  const replay = await send(events, pressed);
  expect(replay.status).toBe(200);
  const again = await slackApi.waitFor((c) => c.method === 'chat.postEphemeral', { from: beforeReplay });
  expect(again.args).toEqual(expect.objectContaining({ user: ANA.id }));
  expect(String(again.args.text)).toContain('Not approved');
  await background.idle();
  expect(roleAssignmentPuts()).toHaveLength(1);
});

test('a bot token Slack rejects at start is reported, not fatal, and the next event asks Slack again', async () => {
  const api = new FakeSlackApi();
  await api.start();
  api.authError = 'invalid_auth';
  const warnings: string[] = [];
  const log: Logger = { ...quiet, warn: (m) => warnings.push(m) };
  const dir = mkdtempSync(path.join(tmpdir(), 'triage-slack-token-'));
  const work = new BackgroundWork(quiet);
  const storage = await createStorage({ dataDir: dir });
  const audit = await createAuditLog({ dataDir: dir });
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const engine = createTriageEngine({ clients, pods: false });
  const approvals = new ApprovalService({ storage, audit, engine, approvers: [], allowSelfApproval: false, ttlMs: 60_000 });
  const { conversation } = createConversation({
    store: storage,
    engine,
    audit,
    approvals,
    background: work,
    log,
    demo: false,
    auditAudience: 'approvers',
  });
  const slack = createSlackApp({ settings: { botToken: TOKEN, signingSecret: SECRET, apiUrl: api.url }, conversation, log });
  const own = await startServer({
    port: 0,
    host: '127.0.0.1',
    messages: async (_req, res) => res.send(404),
    rawRoutes: [{ path: slack.path, listener: slack.listener, beforeBody: slack.beforeBody }],
  });
  try {
    await api.waitFor((c) => c.method === 'auth.test');
    for (let i = 0; i < 50 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(warnings.join('\n')).toMatch(/SLACK_BOT_TOKEN.*invalid_auth/);
    api.authError = undefined;
    const dm = signed(SECRET, eventBody({ type: 'message', channel_type: 'im', channel: 'D0ANY', user: RITA.id, text: 'help' }), 'application/json');
    expect((await send(`${own.url}/slack/events`, dm)).status).toBe(200);
    const help = await api.waitFor((c) => c.method === 'chat.postMessage');
    expect(help.args.channel).toBe('D0ANY');
  } finally {
    await own.close(1_000);
    await work.drain(1_000);
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('startApp mounts /slack/events only when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'triage-slack-app-'));
  const base = { PORT: '0', TRIAGE_DATA_DIR: dir };
  const withSlack = await startApp({
    env: { ...base, TRIAGE_DEMO: 'true', SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slackApi.url },
    log: quiet,
    print: () => undefined,
  });
  const without = await startApp({ env: base, log: quiet, print: () => undefined });
  try {
    const url = (app: typeof withSlack) => `${app.server.url}/slack/events`;
    const challenge = signed(SECRET, JSON.stringify({ type: 'url_verification', challenge: 'c' }), 'application/json');
    expect((await send(url(withSlack), challenge)).status).toBe(200);
    expect((await send(url(withSlack), signed('wrong', challenge.body, 'application/json'))).status).toBe(401);
    expect((await send(url(without), challenge)).status).toBe(404);
    expect(withSlack.slack?.path).toBe('/slack/events');
    expect(without.slack).toBeUndefined();
  } finally {
    await withSlack.close(1_000);
    await without.close(1_000);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Slack on a public interface without a MicrosoftAppId closes the unauthenticated Bot Framework endpoint', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'triage-slack-public-'));
  const app = await startApp({
    env: {
      PORT: '0',
      HOST: '0.0.0.0',
      TRIAGE_DEMO: 'true',
      TRIAGE_DATA_DIR: dir,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slackApi.url,
    },
    log: quiet,
    print: () => undefined,
  });
  try {
    const local = `http://127.0.0.1:${app.server.port}`;
    const activity = {
      type: 'message',
      id: 'a1',
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      from: { id: '29:x', aadObjectId: '00000000-0000-4000-8000-000000000001' },
      recipient: { id: 'bot' },
      conversation: { id: 'c1' },
      text: 'audit',
    };
    const res = await fetch(`${local}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    expect(res.status).toBe(403);
    const challenge = signed(SECRET, JSON.stringify({ type: 'url_verification', challenge: 'c' }), 'application/json');
    expect((await send(`${local}/slack/events`, challenge)).status).toBe(200);
  } finally {
    await app.close(1_000);
    rmSync(dir, { recursive: true, force: true });
  }
});
