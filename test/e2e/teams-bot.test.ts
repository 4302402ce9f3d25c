/**
 * The bot end to end over HTTP, as Teams drives it: the real server (restify + CloudAdapter, no app id) in
 * demo mode — the real engine on the ARM emulator — and a fake Bot Connector recording what the bot sends.
 */
import { startApp, type App } from '../../src/index';
import { startTestBot, type TestBot } from '../support/test-bot';
import type { Logger } from '../../src/conversation/background';
import { createStorage } from '../../src/storage';
import { cardProblems, executeData } from './card-assertions';
import { FakeConnector, cardOf, cardText } from './fake-connector';
import { ANA, INCIDENT_ROOM, NICK, RITA, execute, installed, mention, otherTeam, post, type TeamsPlace } from './teams';

const ACRPULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let connector: FakeConnector;
let app: App;
let dataDir: string;

let bot: TestBot;

beforeAll(async () => {
  bot = await startTestBot({
    name: 'e2e',
    // Rita starts more checks in this suite than a person may in a minute (TRIAGE_RATE_LIMIT is pinned in test/security/limits.test.ts).
    env: { TRIAGE_APPROVERS: ANA.aadObjectId, TRIAGE_APPROVAL_TTL: '1h', TRIAGE_RATE_LIMIT: '1000' },
  });
  ({ app, connector, dataDir } = bot);
  connector.rosters.set(INCIDENT_ROOM.teamId, [RITA, ANA, NICK]);
});

afterAll(() => bot?.close());

const roleAssignmentPuts = () =>
  app.emulator?.requests.filter((r) => r.method === 'PUT' && /\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(r.path)) ?? [];

function findingsWithButton(from: number, place: TeamsPlace = INCIDENT_ROOM) {
  return connector.waitFor(
    (s) =>
      s.method === 'PUT' &&
      s.conversationId === place.conversation.id &&
      executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'),
    { from, timeoutMs: 20_000 },
  );
}

function approvalIdOf(activity: Record<string, unknown>): string {
  const id = executeData(cardOf(activity)).find((d) => typeof d.approvalId === 'string')?.approvalId;
  if (typeof id !== 'string') throw new Error('no grant button on the card');
  return id;
}

test('loopback only without an app id, and the probes answer', async () => {
  expect(app.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
  expect((await fetch(`${app.server.url}/readyz`)).status).toBe(200);
});

test('install greets the channel with the welcome card', async () => {
  const from = connector.sent.length;
  expect((await post(app.server.url, installed(connector.url, RITA))).status).toBe(200);
  const sent = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).includes('Image pull triage'), { from });
  expect(cardText(sent.activity)).toContain('Demo mode');
});

test('check <cluster> alone reads the pods and answers with the findings of the registry they fail on, grant offer included', async () => {
  const from = connector.sent.length;
  await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role'));
  const progress = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).includes('Checking aks-missing-role'), { from });
  const findings = await findingsWithButton(from);
  expect(findings.id).toBe(progress.id);
  expect(cardText(findings.activity)).toContain('acrdemo.azurecr.io');
  expect(cardText(findings.activity)).toContain('rbac.pull-role');
});

test('free text naming only a cluster asks for the registry; a bad answer gets the parser message and the question again', async () => {
  const from = connector.sent.length;
  await post(app.server.url, mention(connector.url, RITA, 'pods on aks-missing-role cannot pull'));
  const form = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).includes('Which registry'), { from });
  expect(cardText(form.activity)).toContain('aks-missing-role');
  const bad = await post(app.server.url, execute(connector.url, RITA, form.id, 'provide-target', { action: 'provide-target', registry: 'my_acr!' }));
  const body = bad.body as { value: Record<string, unknown> };
  expect(JSON.stringify(body.value)).toContain('Which registry');
  expect(JSON.stringify(body.value)).toContain('my_acr');
  expect(JSON.stringify(body.value)).not.toMatch(/at .+\.ts:\d+/);
});

test('an expired approval is refused and writes nothing (before anyone grants, so a plan is offered)', async () => {
  const from = connector.sent.length;
  await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo'));
  const findings = await findingsWithButton(from);
  const approvalId = approvalIdOf(findings.activity);
  // Age the stored record through the storage interface, as time would.
  const storage = await createStorage({ dataDir });
  const key = `approvals/${approvalId}`;
  const item = (await storage.read([key]))[key] as Record<string, unknown>;
  await storage.write({ [key]: { ...item, expiresAt: new Date(Date.now() - 1000).toISOString(), eTag: '*' } });
  const putsBefore = roleAssignmentPuts().length;
  const res = await post(app.server.url, execute(connector.url, ANA, findings.id, 'grant', { approvalId }));
  expect(JSON.stringify(res.body)).toContain('Not approved');
  await app.core.background.idle();
  expect(roleAssignmentPuts()).toHaveLength(putsBefore);
});

describe("refresh.userIds are the approvers' Teams user ids from the roster", () => {
  test('an approver in the roster: the findings card refreshes for their 29: id, read once per conversation', async () => {
    const from = connector.sent.length;
    await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo'));
    const card = cardOf((await findingsWithButton(from)).activity) ?? {};
    const refresh = card.refresh as { userIds?: string[]; action?: { verb?: string } } | undefined;
    expect(refresh?.userIds).toEqual([ANA.id]);
    expect(refresh?.action?.verb).toBe('refresh');
    // By Entra object id, in the team the channel belongs to; a second card reuses the answer.
    const reads = connector.rosterReads.filter((r) => r.startsWith(INCIDENT_ROOM.teamId));
    expect(reads).toEqual([`${INCIDENT_ROOM.teamId}/${ANA.aadObjectId}`]);
    const again = connector.sent.length;
    await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo'));
    await findingsWithButton(again);
    expect(connector.rosterReads.filter((r) => r.startsWith(INCIDENT_ROOM.teamId))).toHaveLength(1);
  });

  test('an approver who is not in the conversation: no refresh, the grant button stays', async () => {
    const place = otherTeam('no-approver');
    connector.rosters.set(place.teamId, [RITA, NICK]);
    const from = connector.sent.length;
    await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo', place));
    const findings = await findingsWithButton(from, place);
    expect(cardOf(findings.activity)?.refresh).toBeUndefined();
    expect(approvalIdOf(findings.activity)).toEqual(expect.any(String));
  });

  test.each([
    ['refused (403)', { fail: 403 } as const],
    ['never answered (past the deadline)', { fail: 'hang' } as const],
  ])('a roster that cannot be read — %s: the card has no refresh and still the grant button', async (_name, roster) => {
    const place = otherTeam(roster.fail === 403 ? 'locked' : 'silent');
    connector.rosters.set(place.teamId, roster);
    const from = connector.sent.length;
    await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo', place));
    const findings = await findingsWithButton(from, place);
    expect(connector.rosterReads.some((r) => r.startsWith(place.teamId))).toBe(true);
    const card = cardOf(findings.activity) ?? {};
    expect(card.refresh).toBeUndefined();
    expect(JSON.stringify(card)).not.toContain('8:orgid:');
    expect(approvalIdOf(findings.activity)).toEqual(expect.any(String));
  });
});

test('check → progress card → findings card updated in place → non-approver refused → approver grants exactly once', async () => {
  const from = connector.sent.length;
  const asked = await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo'));
  expect(asked.status).toBe(200);
  expect(asked.ms).toBeLessThan(5_000);

  const progress = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).includes('Checking aks-missing-role → acrdemo'), {
    from,
  });
  const findings = await findingsWithButton(from);
  expect(findings.id).toBe(progress.id);
  const card = cardOf(findings.activity) ?? {};
  expect(cardProblems(card)).toEqual([]);
  expect(cardText(findings.activity)).toContain('rbac.pull-role');
  const approvalId = approvalIdOf(findings.activity);

  // A non-approver's press: refused privately, nothing written to Azure.
  const refused = await post(app.server.url, execute(connector.url, NICK, findings.id, 'grant', { approvalId }));
  expect(refused.status).toBe(200);
  expect(JSON.stringify(refused.body)).toContain('Not approved');
  expect(roleAssignmentPuts()).toHaveLength(0);

  // The approver's press: answered at once, granted after the turn, card updated for everyone.
  const updatesBefore = connector.sent.length;
  const press = execute(connector.url, ANA, findings.id, 'grant', { approvalId });
  const accepted = await post(app.server.url, press);
  expect(accepted.status).toBe(200);
  expect(accepted.ms).toBeLessThan(1_000);
  expect(JSON.stringify(accepted.body)).toContain('Approved by Ana Approver');

  const done = await connector.waitFor((s) => s.method === 'PUT' && s.id === findings.id && cardText(s.activity).includes('**Verification:**'), {
    from: updatesBefore,
    timeoutMs: 30_000,
  });
  const text = cardText(done.activity);
  expect(text).toContain('Approved by Ana Approver at');
  expect(text).toMatch(/\*\*Role assignment:\*\* \/subscriptions\/.+\/roleAssignments\//);
  expect(text).toMatch(/kubectl (delete pod|rollout restart)/);
  expect(JSON.stringify(cardOf(done.activity))).not.toContain('"verb":"grant"');

  const puts = roleAssignmentPuts();
  expect(puts).toHaveLength(1);
  const put = puts[0];
  const props = (put.body as { properties: Record<string, string> }).properties;
  expect(props.roleDefinitionId.toLowerCase()).toMatch(new RegExp(`/roledefinitions/${ACRPULL}$`));
  expect(props.principalType).toBe('ServicePrincipal');
  const cluster = app.emulator?.world.resources.find(
    (r) => r.type.toLowerCase() === 'microsoft.containerservice/managedclusters' && r.name === 'aks-missing-role',
  );
  const kubelet = (cluster?.properties?.identityProfile as { kubeletidentity?: { objectId?: string } } | undefined)?.kubeletidentity?.objectId;
  expect(props.principalId).toBe(kubelet);
  const registry = app.emulator?.world.resources.find(
    (r) => r.type.toLowerCase() === 'microsoft.containerregistry/registries' && r.name === 'acrdemo',
  );
  expect(put.path.toLowerCase().startsWith(`${registry?.id.toLowerCase()}/providers/microsoft.authorization/roleassignments/`)).toBe(true);

  // A second press, a replay of the same activity, and a tampered id: refused, no second PUT.
  expect(JSON.stringify((await post(app.server.url, execute(connector.url, ANA, findings.id, 'grant', { approvalId }))).body)).toContain(
    'Not approved',
  );
  expect(JSON.stringify((await post(app.server.url, press)).body)).toContain('Not approved');
  const tampered = approvalId.slice(0, -1) + (approvalId.endsWith('A') ? 'B' : 'A');
  expect(JSON.stringify((await post(app.server.url, execute(connector.url, ANA, findings.id, 'grant', { approvalId: tampered }))).body)).toContain(
    'Not approved',
  );
  await app.core.background.idle();
  expect(roleAssignmentPuts()).toHaveLength(1);
});

test('with MicrosoftAppId set, an unauthenticated POST gets 401 and nothing is processed', async () => {
  const secured = await startApp({
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      TRIAGE_DEMO: 'true',
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppPassword: 'not-a-real-secret',
      TRIAGE_ALLOWED_TENANTS: INCIDENT_ROOM.conversation.tenantId,
      TRIAGE_SERVICE_URLS: connector.url,
      TRIAGE_DATA_DIR: dataDir,
    },
    log: quiet,
    print: () => undefined,
  });
  try {
    const from = connector.sent.length;
    const res = await post(secured.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo'));
    expect(res.status).toBe(401);
    const forged = await post(secured.server.url, mention(connector.url, RITA, 'help'), {
      authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.',
    });
    expect(forged.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.sent.slice(from)).toEqual([]);
    expect(secured.emulator?.requests).toEqual([]);
  } finally {
    await secured.close(1_000);
  }
});
