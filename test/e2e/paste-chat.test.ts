/**
 * Pastes in chat, end to end over HTTP as Teams sends them (the real server and bot in demo mode, the real
 * engine on the ARM emulator, a fake Bot Connector): each paste form starts the right triage or asks only for
 * the part it does not name, and the findings card leads with what the pasted error means.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { CHECK_ACR, DESCRIBE_POD, GET_EVENTS, KUBELET_EVENT } from '../fixtures/pastes';
import { cardProblems, executeData } from './card-assertions';
import { FakeConnector, cardOf, cardText, type SentActivity } from './fake-connector';
import { ANA, RITA, mention, post } from './teams';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const CLUSTER_ID = '/subscriptions/{sub}/resourceGroups/rg-aks-missing-role/providers/Microsoft.ContainerService/managedClusters/aks-missing-role';

let connector: FakeConnector;
let app: App;
let dataDir: string;

beforeAll(async () => {
  connector = new FakeConnector();
  await connector.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-paste-'));
  app = await startApp({ env: { PORT: '0', TRIAGE_DATA_DIR: dataDir, TRIAGE_APPROVERS: ANA.aadObjectId }, log: quiet, print: () => undefined });
});

afterAll(async () => {
  await app?.close(2_000);
  await connector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A new conversation per test, so one test's question does not wait for another's answer. */
function inNewConversation(activity: ReturnType<typeof mention>, id: string) {
  return { ...activity, conversation: { ...activity.conversation, id: `19:paste-${id}@thread.tacv2` } };
}

async function say(text: string, conversation: string): Promise<{ ms: number; from: number }> {
  const from = connector.sent.length;
  const res = await post(app.server.url, inNewConversation(mention(connector.url, RITA, text), conversation));
  expect(res.status).toBe(200);
  return { ms: res.ms, from };
}

const inConversation = (s: SentActivity, id: string) => JSON.stringify(s.activity.conversation ?? {}).includes(`paste-${id}@`);

function findingsCard(from: number, conversation: string) {
  return connector.waitFor(
    (s) => s.method === 'PUT' && inConversation(s, conversation) && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'),
    { from, timeoutMs: 20_000 },
  );
}

function question(from: number, conversation: string) {
  return connector.waitFor((s) => s.method === 'POST' && inConversation(s, conversation) && cardText(s.activity).includes('Which AKS cluster'), {
    from,
  });
}

/** The card leads with the paste's meaning, then the conclusion, then the findings; the az command once. */
function expectLedByThePaste(text: string): void {
  const meaning = text.indexOf("**What the pasted error means:** The registry refused the node's credentials");
  const conclusion = text.indexOf('No role assignment grants pull on acrdemo');
  const firstRow = text.indexOf('**The pulling identity holds a pull role on the registry**');
  expect(meaning).toBeGreaterThan(-1);
  expect(conclusion).toBeGreaterThan(meaning);
  expect(firstRow).toBeGreaterThan(conclusion);
  expect(text).toMatch(/🔴 \*\*confirms\*\* — The pulling identity holds a pull role on the registry \(rbac\.pull-role\)/);
  expect(text).toMatch(/⚪ \*\*rules out\*\* — .*\(identity\.kubelet\)/);
  expect(text.split('az role assignment create').length - 1).toBe(1);
  expect(text).toMatch(/Evidence read at \{\{DATE\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z, SHORT\)\}\}/);
}

test('a kubelet event asks only for the cluster, keeps what it understood, and the answer starts the triage', async () => {
  const asked = await say(KUBELET_EVENT, 'event');
  const form = await question(asked.from, 'event');
  const text = cardText(form.activity);
  expect(text).toContain('Which AKS cluster cannot pull from acrdemo.azurecr.io/shop/api:1.4.2?');
  expect(text).toContain("From your paste (acrdemo.azurecr.io/shop/api:1.4.2): The registry refused the node's credentials");
  expect(text).not.toMatch(/not a valid tag|1\.4\.2"/);

  const answered = await say('aks-missing-role', 'event');
  const findings = await findingsCard(answered.from, 'event');
  expect(cardProblems(cardOf(findings.activity) ?? {})).toEqual([]);
  expectLedByThePaste(cardText(findings.activity));
});

test('kubectl describe pod with the cluster named in a sentence starts the triage at once', async () => {
  const asked = await say(`pods on aks-missing-role are stuck:\n${DESCRIBE_POD}`, 'describe');
  expect(asked.ms).toBeLessThan(5_000);
  const findings = await findingsCard(asked.from, 'describe');
  expectLedByThePaste(cardText(findings.activity));
});

test('kubectl get events lines ask for the cluster, naming the image they read', async () => {
  const asked = await say(GET_EVENTS, 'events');
  const text = cardText((await question(asked.from, 'events')).activity);
  expect(text).toContain('Which AKS cluster cannot pull from acrdemo.azurecr.io/payments/ledger:2.0.1?');
  expect(text).toContain("The image has no variant for the node's OS/architecture");
});

test('az aks check-acr output (with its command line) starts the triage of the cluster it names', async () => {
  const asked = await say(CHECK_ACR, 'checkacr');
  const findings = await findingsCard(asked.from, 'checkacr');
  const text = cardText(findings.activity);
  expect(text).toContain('rg-aks-missing-role/aks-missing-role → acrdemo.azurecr.io');
  expect(text).toContain('**What the pasted error means:**');
});

test('a portal URL of the cluster and a registry in prose start the triage', async () => {
  const sub = app.emulator?.world.resources.find((r) => r.name === 'aks-missing-role')?.id.split('/')[2] ?? '';
  const url = `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${CLUSTER_ID.replace('{sub}', sub)}/overview`;
  const asked = await say(`${url} can't pull from acrdemo`, 'portal');
  const findings = await findingsCard(asked.from, 'portal');
  const text = cardText(findings.activity);
  expect(text).toContain('No role assignment grants pull on acrdemo');
  expect(text).not.toContain('What the pasted error means');
});

test('100 KB pasted is answered within the turn and never echoed back whole', async () => {
  const huge = `${KUBELET_EVENT}\n`.repeat(Math.ceil(100_000 / KUBELET_EVENT.length));
  expect(huge.length).toBeGreaterThanOrEqual(100_000);
  const asked = await say(huge, 'huge');
  expect(asked.ms).toBeLessThan(5_000);
  const form = await question(asked.from, 'huge');
  expect(JSON.stringify(form.activity).length).toBeLessThan(10_000);
  expect(cardText(form.activity)).toContain('Which AKS cluster cannot pull from acrdemo.azurecr.io/shop/api:1.4.2?');
});
