/**
 * Forged authority over the Bot Framework endpoint, against the real server with botbuilder validating real
 * JWTs (signed by a throw-away key served as Bot Framework OpenID metadata on loopback). Each case was accepted
 * by the earlier code: a foreign tenant's users were served, an Emulator token made `aadObjectId` an approver,
 * the card went to whatever serviceUrl the caller named, and without an app id anyone who reached the port
 * (a tunnel, a proxy, HOST=0.0.0.0) approved as an approver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../src/index';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import type { Logger } from '../../src/conversation/background';
import { ApprovalService } from '../../src/conversation/approvals';
import { createAuditLog } from '../../src/storage/audit';
import { createStorage } from '../../src/storage';
import { planGrant } from '../../src/triage/grant-plan';
import { parseTarget } from '../../src/triage/target';
import type { ArmEmulator } from '../../src/simulator/emulator';
import { FakeConnector } from '../e2e/fake-connector';
import { ANA, RITA, TEAM_CONVERSATION, execute, mention } from '../e2e/teams';
import { BotFrameworkIssuer } from './bot-framework-tokens';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const FOREIGN_TENANT = '99999999-8888-4777-8666-555555555555';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let issuer: BotFrameworkIssuer;
let connector: FakeConnector;
let attacker: FakeConnector;
let dataDir: string;

beforeAll(async () => {
  issuer = new BotFrameworkIssuer();
  await issuer.start();
  connector = new FakeConnector();
  await connector.start();
  attacker = new FakeConnector();
  await attacker.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-authority-'));
});

afterAll(async () => {
  await issuer?.close();
  await connector?.close();
  await attacker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function postWith(url: string, activity: unknown, token?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: res.status, text: await res.text() };
}

/** An approval for aks-missing-role, created as the bot would after a triage (same storage, same engine). */
async function approvalOn(emulator: ArmEmulator, dir: string): Promise<string> {
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const engine = createTriageEngine({ clients, pods: false });
  const result = await engine.triage(parseTarget({ cluster: 'aks-missing-role', registry: 'acrdemo' }), { pods: false });
  const plan = planGrant(result.evidence, result.report.findings);
  if (!plan) throw new Error('aks-missing-role offers no grant');
  const approvals = new ApprovalService({
    storage: await createStorage({ dataDir: dir }),
    audit: await createAuditLog({ dataDir: dir }),
    engine,
    approvers: [ANA.aadObjectId],
    allowSelfApproval: false,
    ttlMs: 3_600_000,
  });
  const record = await approvals.create({
    plan,
    requester: { id: RITA.id, aadObjectId: RITA.aadObjectId, name: RITA.name, channel: 'msteams' },
    summary: 'test',
  });
  return record.id;
}

const roleAssignmentPuts = (app: App) => app.emulator?.requests.filter((r) => r.method === 'PUT' && /roleAssignments/i.test(r.path)) ?? [];

describe('with an app id: only Teams tokens from allowed tenants carry identity', () => {
  let app: App;
  let approvalId: string;

  beforeAll(async () => {
    app = await startApp({
      env: {
        PORT: '0',
        TRIAGE_DEMO: 'true',
        TRIAGE_DATA_DIR: dataDir,
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-a-real-secret',
        TRIAGE_ALLOWED_TENANTS: TEAM_CONVERSATION.tenantId,
        TRIAGE_SERVICE_URLS: connector.url,
        TRIAGE_APPROVERS: ANA.aadObjectId,
        ...issuer.settings(),
      },
      log: quiet,
      print: () => undefined,
    });
    approvalId = await approvalOn(app.emulator!, dataDir);
  });

  afterAll(async () => {
    await app?.close(1_000);
  });

  test('no token, or a channel token for another app, is refused (401) and no turn runs', async () => {
    const from = connector.sent.length;
    const activity = mention(connector.url, RITA, 'check aks-missing-role acrdemo');
    const missing = await postWith(app.server.url, activity);
    const otherApp = await postWith(app.server.url, activity, issuer.channelToken('22222222-3333-4444-8555-666666666666', connector.url));
    expect([missing.status, otherApp.status]).toEqual([401, 401]);
    // The answer says no more than that.
    expect(JSON.parse(otherApp.text)).toEqual({ error: 'Unauthorized' });
    await new Promise((r) => setTimeout(r, 200));
    await app.core.background.idle();
    expect(connector.sent.slice(from)).toEqual([]);
  });

  test('a foreign tenant with a valid channel token is refused (403) and no turn runs', async () => {
    const from = connector.sent.length;
    const activity = { ...mention(connector.url, RITA, 'check aks-missing-role acrdemo'), channelData: { tenant: { id: FOREIGN_TENANT } } };
    const res = await postWith(app.server.url, activity, issuer.channelToken(APP_ID, connector.url));
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/tenant/);
    await new Promise((r) => setTimeout(r, 200));
    await app.core.background.idle();
    expect(connector.sent.slice(from)).toEqual([]);
  });

  test('an Emulator token (minted with the app credential) never makes aadObjectId an approver', async () => {
    const press = { ...execute(connector.url, ANA, 'act-1', 'grant', { approvalId }), channelId: 'emulator' };
    const res = await postWith(app.server.url, press, issuer.emulatorToken(APP_ID));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Not approved');
    await app.core.background.idle();
    expect(roleAssignmentPuts(app)).toEqual([]);
  });

  test('a msteams activity under an Emulator token is not a Teams identity either', async () => {
    const press = execute(connector.url, ANA, 'act-1', 'grant', { approvalId });
    const res = await postWith(app.server.url, press, issuer.emulatorToken(APP_ID));
    expect(res.text).toContain('Not approved');
    await app.core.background.idle();
    expect(roleAssignmentPuts(app)).toEqual([]);
  });

  test('a service URL outside the channel list is refused (403): the card never goes to the attacker', async () => {
    const activity = { ...mention(attacker.url, RITA, 'check aks-missing-role acrdemo'), channelId: 'emulator' };
    const res = await postWith(app.server.url, activity, issuer.emulatorToken(APP_ID));
    expect(res.status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    await app.core.background.idle();
    expect(attacker.sent).toEqual([]);
  });

  test('control: the approver, through Teams, from the allowed tenant, approves (so the refusals above are the rules, not a broken harness)', async () => {
    const press = execute(connector.url, ANA, 'act-1', 'grant', { approvalId });
    const res = await postWith(app.server.url, press, issuer.channelToken(APP_ID, connector.url));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Approved by Ana Approver');
    await app.core.background.idle();
    expect(roleAssignmentPuts(app)).toHaveLength(1);
  });
});

describe('without an app id', () => {
  test('a public HOST is refused at start unless Slack alone is served', async () => {
    await expect(
      startApp({ env: { PORT: '0', HOST: '0.0.0.0', TRIAGE_DATA_DIR: dataDir }, log: quiet, print: () => undefined }),
    ).rejects.toMatchObject({ code: 'InvalidConfig', variable: 'HOST' });
  });

  test('a reply to an attacker-chosen serviceUrl is refused (403), even on loopback in demo mode', async () => {
    const app = await startApp({
      env: { PORT: '0', TRIAGE_DATA_DIR: dataDir, TRIAGE_APPROVERS: ANA.aadObjectId },
      log: quiet,
      print: () => undefined,
    });
    try {
      const res = await postWith(app.server.url, mention('https://attacker.example/', RITA, 'check aks-missing-role acrdemo'));
      expect(res.status).toBe(403);
      await app.core.background.idle();
      expect(app.emulator?.requests).toEqual([]);
    } finally {
      await app.close(1_000);
    }
  });

  test('against real Azure, a forged aadObjectId (via a tunnel to loopback) approves nothing: the bot is read-only for Teams', async () => {
    const demo = await startApp({ env: { PORT: '0', TRIAGE_DATA_DIR: dataDir }, log: quiet, print: () => undefined });
    const approvalId = await approvalOn(demo.emulator!, dataDir);
    await demo.close(1_000);
    const app = await startApp({
      env: {
        PORT: '0',
        TRIAGE_DATA_DIR: dataDir,
        TRIAGE_APPROVERS: ANA.aadObjectId,
        AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://127.0.0.1:9',
        AZURE_SUBSCRIPTION_ID: '00000000-0000-4000-8000-000000000001',
        // Any credential probe stays on this machine.
        IDENTITY_ENDPOINT: 'http://127.0.0.1:9/msi/token',
        IDENTITY_HEADER: 'x',
      },
      log: quiet,
      print: () => undefined,
    });
    try {
      const res = await postWith(app.server.url, execute(connector.url, ANA, 'act-1', 'grant', { approvalId }));
      expect(res.status).toBe(200);
      expect(res.text).toContain('Not approved');
    } finally {
      await app.close(1_000);
    }
  });

  test('production settings without Azure do not fall into demo mode: the bot refuses to start', async () => {
    await expect(
      startApp({
        env: {
          PORT: '0',
          TRIAGE_DATA_DIR: dataDir,
          MicrosoftAppId: APP_ID,
          MicrosoftAppPassword: 'x',
          TRIAGE_ALLOWED_TENANTS: TEAM_CONVERSATION.tenantId,
        },
        log: quiet,
        print: () => undefined,
      }),
    ).rejects.toMatchObject({ variable: 'AZURE_SUBSCRIPTION_ID' });
    await expect(
      startApp({
        env: { PORT: '0', TRIAGE_DATA_DIR: dataDir, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' },
        log: quiet,
        print: () => undefined,
      }),
    ).rejects.toMatchObject({
      variable: 'AZURE_SUBSCRIPTION_ID',
    });
  });

  test('an app id without a tenant to serve is refused at start', async () => {
    await expect(
      startApp({
        env: { PORT: '0', TRIAGE_DEMO: 'true', TRIAGE_DATA_DIR: dataDir, MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x' },
        log: quiet,
        print: () => undefined,
      }),
    ).rejects.toMatchObject({ variable: 'TRIAGE_ALLOWED_TENANTS' });
  });
});
