/**
 * A triage waiting on a slow Azure call holds nothing: over HTTP through the real bot (demo mode, the ARM
 * emulator in-process, a fake Bot Connector), checks whose cluster GET the emulator answers only after
 * SLOW_MS — more of them than the bot ever ran at once before — must not delay another check's ARM findings
 * card or an approver's press. Ordering, not wall-clock thresholds, carries the assertions, so a loaded
 * machine cannot make the test pass or fail by itself.
 */
import { type App } from '../../src/index';
import { startTestBot, type TestBot } from '../support/test-bot';
import { executeData } from './card-assertions';
import { FakeConnector, cardOf, type SentActivity } from './fake-connector';
import { ANA, RITA, TEAM_CONVERSATION, execute, mention, post } from './teams';

const SLOW_MS = 10_000;
/** More than the 16 places the old fixed triage lane had, so a triage that held one while waiting would show. */
const SLOW_CHECKS = 20;
const FAST_CHECKS = 3;

let connector: FakeConnector;
let app: App;

let bot: TestBot;

beforeAll(async () => {
  bot = await startTestBot({ name: 'slow-azure', env: { TRIAGE_APPROVERS: ANA.aadObjectId, TRIAGE_RATE_LIMIT: '1000' } });
  ({ app, connector } = bot);
});

afterAll(async () => {
  app?.emulator?.setFaults([]);
  await bot?.close();
});

const conversation = (name: string) => `19:${name}@thread.tacv2;messageid=1700000000000`;

/** An activity of `build` moved into its own conversation (concurrent turns in one would race on its state). */
function inConversation<T extends { conversation: typeof TEAM_CONVERSATION }>(activity: T, name: string): T {
  return { ...activity, conversation: { ...TEAM_CONVERSATION, id: conversation(name) } };
}

const findingsIn = (name: string) => (s: SentActivity) => s.method === 'PUT' && s.conversationId === conversation(name);
const offerIn = (name: string) => (s: SentActivity) =>
  findingsIn(name)(s) && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string');

test('checks blocked on a slow cluster read do not delay another check’s ARM findings or an approval press', async () => {
  const url = app.server.url;
  const emulator = app.emulator;
  if (!emulator) throw new Error('demo mode has an emulator');

  // An offer to press later, made before anything is slow.
  await post(url, inConversation(mention(connector.url, RITA, 'check aks-wrong-principal acrdemo'), 'offer'));
  const offer = await connector.waitFor(offerIn('offer'), { timeoutMs: 30_000 });
  const approvalId = executeData(cardOf(offer.activity)).find((d) => typeof d.approvalId === 'string')?.approvalId;

  // Only aks-healthy's own GET is slow: the Resource Graph lookup every check shares stays fast.
  emulator.setFaults([
    {
      method: 'GET',
      path: '^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ContainerService/managedClusters/aks-healthy$',
      latencyMs: SLOW_MS,
    },
  ]);
  const slow = Array.from({ length: SLOW_CHECKS }, (_, i) => `slow-${i}`);
  const turns = await Promise.all(slow.map((name) => post(url, inConversation(mention(connector.url, RITA, 'check aks-healthy acrdemo'), name))));
  expect(turns.map((t) => t.status)).toEqual(slow.map(() => 200));
  // Every slow check has started and waits on the emulator before the fast ones are asked (identical checks in
  // flight share one evidence read, so one slow GET may serve them all).
  const slowRequests = () => emulator.requests.filter((r) => r.method === 'GET' && /\/managedClusters\/aks-healthy$/.test(r.path)).length;
  await waitUntil(() => slowRequests() >= 1 && app.core.background.size >= SLOW_CHECKS, 45_000);

  const fast = Array.from({ length: FAST_CHECKS }, (_, i) => `fast-${i}`);
  await Promise.all(fast.map((name) => post(url, inConversation(mention(connector.url, RITA, 'check aks-missing-role acrdemo'), name))));
  const press = await post(url, inConversation(execute(connector.url, ANA, offer.id, 'grant', { approvalId }), 'offer'));
  const fastFindings = await Promise.all(fast.map((name) => connector.waitFor(findingsIn(name), { timeoutMs: SLOW_MS + 20_000 })));

  // The fast checks' findings and the press's answer came while every slow check still waited on Azure.
  const firstSlowCard = connector.sent.find((s) => slow.some((name) => findingsIn(name)(s)));
  expect(firstSlowCard).toBeUndefined();
  expect(press.status).toBe(200);
  expect(JSON.stringify(press.body)).not.toContain('Not approved');
  expect(fastFindings).toHaveLength(FAST_CHECKS);

  // And the slow checks were not lost: each gets its findings once Azure answers.
  await Promise.all(slow.map((name) => connector.waitFor(findingsIn(name), { timeoutMs: SLOW_MS + 30_000 })));
  emulator.setFaults([]);
}, 150_000);

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
