/**
 * Alerts end to end over HTTP: the real server in demo mode (engine on the ARM emulator), a fake Bot
 * Connector for Teams, a fake Slack Web API, a local JWKS for the action group's Entra token. Each payload
 * format becomes one card in the right channel with the alert on top; repeats are counted into it; Resolved
 * updates it; unauthenticated or malformed requests get 401/400 and post nothing; an unknown cluster is
 * recorded and answered with its reason.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { ACTION_GROUPS_APP_ID } from '../../src/alerts/auth';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { cardProblems, executeData } from './card-assertions';
import { blocksText } from './block-assertions';
import { FakeConnector, cardOf, cardText, type SentActivity } from './fake-connector';
import { FakeSlackApi } from './fake-slack';
import { ANA, RITA, execute, installed } from './teams';

const TOKEN = 'e2e-alert-token-5c1d9a7e3b2f4068';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AUDIENCE = 'api://aks-registry-triage-e2e';
const TEAMS_CHANNEL = '19:incident-room@thread.tacv2';
const SLACK_CHANNEL = 'C0ONCALL';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(__dirname, '../fixtures/alerts', name), 'utf8')) as Record<string, unknown>;

let connector: FakeConnector;
let slackApi: FakeSlackApi;
let jwks: Server;
let signingKey: CryptoKey;
let app: App;
let dataDir: string;
let logSearchCard: SentActivity | undefined;

beforeAll(async () => {
  connector = new FakeConnector();
  await connector.start();
  slackApi = new FakeSlackApi();
  await slackApi.start();
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'e2e', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-alerts-'));
  app = await startApp({
    env: {
      PORT: '0',
      TRIAGE_DATA_DIR: dataDir,
      TRIAGE_APPROVERS: ANA.aadObjectId,
      TRIAGE_ALERT_TOKEN: TOKEN,
      TRIAGE_ALERT_CHANNEL: `teams:${TEAMS_CHANNEL}`,
      TRIAGE_ALERT_ROUTES: JSON.stringify([{ name: 'platform', channel: `slack:${SLACK_CHANNEL}` }]),
      TRIAGE_ALERT_ENTRA_AUDIENCE: AUDIENCE,
      TRIAGE_ALERT_ENTRA_TENANT: TENANT,
      TRIAGE_ALERT_ENTRA_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys`,
      SLACK_BOT_TOKEN: 'xoxb-e2e-alerts',
      SLACK_SIGNING_SECRET: 'e2e-alerts-signing-secret',
      SLACK_API_URL: slackApi.url,
    },
    log: quiet,
    print: () => undefined,
  });
  // The bot is installed in the incident room: that is where the default alert channel's reference comes from.
  const res = await fetch(`${app.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(installed(connector.url, RITA)),
  });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await app?.close(3_000);
  await connector?.close();
  await slackApi?.close();
  await new Promise<void>((resolve) => jwks.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

async function postAlert(
  body: unknown,
  o: { path?: string; authorization?: string; raw?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${app.server.url}${o.path ?? '/api/alerts'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(o.authorization !== '' ? { authorization: o.authorization ?? `Bearer ${TOKEN}` } : {}) },
    body: o.raw ?? JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const teamsAlertCard = (from: number, predicate: (text: string) => boolean) =>
  connector.waitFor((s) => s.conversationId === TEAMS_CHANNEL && predicate(cardText(s.activity)), { from, timeoutMs: 20_000 });

test('unauthenticated, badly authenticated and malformed alerts get 401/400 and post nothing', async () => {
  const teams = connector.sent.length;
  const slack = slackApi.calls.length;
  const prometheus = fixture('azure-monitor-prometheus-fired.json');
  expect((await postAlert(prometheus, { authorization: '' })).status).toBe(401);
  expect((await postAlert(prometheus, { authorization: 'Bearer not-the-token' })).status).toBe(401);
  expect((await postAlert(prometheus, { path: '/api/alerts?token=not-the-token', authorization: '' })).status).toBe(401);
  const forged = await new SignJWT({ tid: TENANT, appid: ACTION_GROUPS_APP_ID })
    .setProtectedHeader({ alg: 'RS256', kid: 'e2e' })
    .setIssuer(`https://sts.windows.net/${TENANT}/`)
    .setAudience('api://someone-else')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(signingKey);
  expect((await postAlert(prometheus, { authorization: `Bearer ${forged}` })).status).toBe(401);
  const notJson = await postAlert(undefined, { raw: '{"schemaId":' });
  expect(notJson).toEqual({ status: 400, json: { error: 'InvalidAlert', message: 'the body is not JSON' } });
  const wrongShape = await postAlert({
    version: '4',
    alerts: [{ status: 'firing', labels: {}, startsAt: '2026-12-03T02:13:00Z', fingerprint: 'x' }],
  });
  expect(wrongShape).toEqual({ status: 400, json: { error: 'InvalidAlert', message: 'alerts[0].labels.alertname is missing' } });
  expect((await postAlert(prometheus, { path: '/api/alerts/nope' })).status).toBe(404);
  const tooBig = await postAlert(undefined, { raw: JSON.stringify({ version: '4', alerts: [], pad: 'x'.repeat(300 * 1024) }) });
  expect(tooBig.status).toBe(413);
  await new Promise((r) => setTimeout(r, 300));
  expect(connector.sent.length).toBe(teams);
  expect(slackApi.calls.slice(slack).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
});

test('a managed Prometheus alert → one findings card in the Teams channel with the alert on top and the grant button; repeats are counted into it; Resolved updates it', async () => {
  const from = connector.sent.length;
  const answer = await postAlert(fixture('azure-monitor-prometheus-fired.json'));
  expect(answer.status).toBe(202);
  expect(answer.json.alerts).toEqual([
    expect.objectContaining({ name: 'KubeContainerWaitingImagePull', status: 'triaging', destination: `teams:${TEAMS_CHANNEL}` }),
  ]);

  const findings = await connector.waitFor(
    (s) => s.conversationId === TEAMS_CHANNEL && s.method === 'PUT' && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'),
    { from, timeoutMs: 20_000 },
  );
  const text = cardText(findings.activity);
  expect(text).toMatch(/🔔 Alert: KubeContainerWaitingImagePull · Sev2 · first fired (Dec 3 )?02:13 UTC/);
  expect(text).toContain('rbac.pull-role');
  expect(cardProblems(cardOf(findings.activity)!)).toEqual([]);
  const posts = connector.sent.slice(from).filter((s) => s.method === 'POST' && s.conversationId === TEAMS_CHANNEL);
  expect(posts).toHaveLength(1);

  for (let i = 0; i < 3; i++)
    expect((await postAlert(fixture('azure-monitor-prometheus-fired.json'))).json.alerts).toEqual([
      expect.objectContaining({ status: 'counted', count: i + 2 }),
    ]);
  const counted = await teamsAlertCard(from, (t) => /Seen 4 times since \d\d:\d\d, last \d\d:\d\d UTC/.test(t));
  expect(counted.method).toBe('PUT');
  expect(counted.id).toBe(findings.id);
  expect(connector.sent.slice(from).filter((s) => s.method === 'POST' && s.conversationId === TEAMS_CHANNEL)).toHaveLength(1);

  expect((await postAlert(fixture('azure-monitor-prometheus-resolved.json'))).json.alerts).toEqual([expect.objectContaining({ status: 'resolved' })]);
  const resolved = await teamsAlertCard(
    from,
    (t) => t.includes('✅ Resolved at 02:58 UTC (the alert says so)') || /✅ Resolved at \w+ \d+ 02:58 UTC/.test(t),
  );
  expect(resolved.id).toBe(findings.id);
});

test('an Alertmanager group on a named route → one Slack message (chat.postMessage to the channel id, then chat.update with the findings)', async () => {
  const from = slackApi.calls.length;
  const answer = await postAlert(fixture('alertmanager-v4-firing.json'), { path: '/api/alerts/platform' });
  expect(answer.status).toBe(202);
  expect((answer.json.alerts as { status: string }[]).map((a) => a.status)).toEqual(['triaging', 'counted']);
  const post = await slackApi.waitFor((c) => c.method === 'chat.postMessage', { from });
  expect(post.args.channel).toBe(SLACK_CHANNEL);
  const update = await slackApi.waitFor((c) => c.method === 'chat.update' && blocksText({ blocks: c.args.blocks ?? [] }).includes('rbac.pull-role'), {
    from,
    timeoutMs: 20_000,
  });
  expect(blocksText({ blocks: update.args.blocks ?? [] })).toContain('Alert: KubePodImagePullBackOff · critical');
  expect(slackApi.calls.slice(from).filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
});

test("a log search alert with the action group's Entra token is accepted", async () => {
  const token = await new SignJWT({ tid: TENANT, appid: ACTION_GROUPS_APP_ID, roles: ['ActionGroupsSecureWebhook'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'e2e' })
    .setIssuer(`https://sts.windows.net/${TENANT}/`)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(signingKey);
  const from = connector.sent.length;
  const answer = await postAlert(fixture('azure-monitor-log-search-fired.json'), { authorization: `Bearer ${token}` });
  expect(answer.status).toBe(202);
  // The Prometheus incident of this cluster was resolved, so this alert opens a new one with its own card.
  expect(answer.json.alerts).toEqual([
    expect.objectContaining({ name: 'Image pull failures (KubeEvents)', status: 'triaging', destination: `teams:${TEAMS_CHANNEL}` }),
  ]);
  logSearchCard = await connector.waitFor(
    (s) => s.conversationId === TEAMS_CHANNEL && s.method === 'PUT' && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'),
    { from, timeoutMs: 20_000 },
  );
  expect(cardText(logSearchCard.activity)).toMatch(/^🔔 Alert: Image pull failures \(KubeEvents\) · Sev1/);
});

test('an alert naming a cluster the bot cannot see is recorded and answered with the reason', async () => {
  const from = connector.sent.length;
  const body = fixture('alertmanager-v4-firing.json');
  const alerts = (body.alerts as Record<string, Record<string, string>>[]).map((a) => ({
    ...a,
    labels: { ...a.labels, cluster: 'aks-nowhere' },
    fingerprint: `${String(a.fingerprint)}-nowhere`,
  }));
  const answer = await postAlert({ ...body, commonLabels: { alertname: 'KubePodImagePullBackOff' }, alerts });
  expect(answer.status).toBe(202);
  const notice = await teamsAlertCard(from, (t) => t.includes('aks-nowhere: could not be checked'));
  expect(cardText(notice.activity)).toContain('The cluster could not be identified: no cluster matching the name is visible to the bot');
  const incident = await app.alerts.incidents.get(`teams:${TEAMS_CHANNEL}|aks-nowhere`);
  expect(incident?.cards.map((c) => c.notice?.text)).toEqual([expect.stringContaining('no cluster matching the name is visible to the bot')]);

  const nameless = await postAlert({
    version: '4',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'NoClusterHere' }, startsAt: '2026-12-03T02:13:00Z', fingerprint: 'f0' }],
  });
  expect(nameless.json.alerts).toEqual([expect.objectContaining({ status: 'ignored', reason: expect.stringMatching(/names no cluster/) })]);
  await teamsAlertCard(from, (t) => t.includes('Alert NoClusterHere: which cluster?'));
});

test("the approver's press on an alert card grants once and keeps the alert on top (after the log search alert's card)", async () => {
  const findings = logSearchCard;
  if (!findings) throw new Error('the log search alert posted no findings card');
  const approvalId = executeData(cardOf(findings.activity)).find((d) => typeof d.approvalId === 'string')?.approvalId;
  const pressed = connector.sent.length;
  const press = await fetch(`${app.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      ...execute(connector.url, ANA, findings.id, 'grant', { approvalId }),
      conversation: { id: TEAMS_CHANNEL, conversationType: 'channel', isGroup: true, tenantId: TENANT },
    }),
  });
  expect(press.status).toBe(200);
  const done = await connector.waitFor((s) => s.method === 'PUT' && s.id === findings.id && cardText(s.activity).includes('**Verification:**'), {
    from: pressed,
    timeoutMs: 30_000,
  });
  expect(cardText(done.activity)).toMatch(/^🔔 Alert: Image pull failures \(KubeEvents\)/);
  expect(cardText(done.activity)).toContain('Approved by Ana Approver at');
  const puts = app.emulator?.requests.filter((r) => r.method === 'PUT' && /\/roleAssignments\//i.test(r.path)) ?? [];
  expect(puts).toHaveLength(1);
});
