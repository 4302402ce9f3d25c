/**
 * Which Azure the bot may be asked about. Any Teams tenant or Slack workspace the bot serves could otherwise
 * name any cluster the bot's identity can see — read its topology, start run command on it, ask for a grant.
 * With TRIAGE_ALLOWED_SUBSCRIPTIONS, no ARM request under another subscription leaves the process: reads
 * become "unknown" (never a pass), and no run command or role assignment reaches it.
 */
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { OUTSIDE_ALLOWED_SCOPE } from '../../src/azure/scope-guard';
import { createEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios';
import { planGrant } from '../../src/triage/grant-plan';
import { parseTarget } from '../../src/triage/target';

const OTHER = '99999999-0000-4000-8000-000000000000';

function setup(allowedSubscriptions: string[]) {
  const emulator = createEmulator({ world: structuredClone(scenario('aks-missing-role').world) });
  const clients = createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    allowedSubscriptions,
  });
  return { emulator, engine: createTriageEngine({ clients, pods: true, podPollIntervalMs: 10 }) };
}

const underSubscription = (path: string) => /^\/+subscriptions\/[^/]+\//i.test(path);
const target = parseTarget({ cluster: 'aks-missing-role', registry: 'acrdemo' });

test('a cluster in a subscription outside the list: nothing under it is requested, no run command, nothing passes', async () => {
  const { emulator, engine } = setup([OTHER]);
  const result = await engine.triage(target);
  expect(emulator.requests.filter((r) => underSubscription(r.path))).toEqual([]);
  expect(emulator.requests.filter((r) => /runCommand/i.test(r.path))).toEqual([]);
  expect(result.report.verdict).not.toBe('healthy');
  expect(result.report.findings.filter((f) => f.check.startsWith('rbac.') || f.check.startsWith('network.')).every((f) => f.status !== 'pass')).toBe(
    true,
  );
});

test('a grant into a subscription outside the list is refused before it leaves the process', async () => {
  const allowed = setup([]);
  const result = await allowed.engine.triage(target, { pods: false });
  const plan = planGrant(result.evidence, result.report.findings);
  if (!plan) throw new Error('no plan');
  const { emulator, engine } = setup([OTHER]);
  const outcome = await engine.grant(plan, { approvedBy: 'test', retryDelaysMs: [] });
  expect(outcome.status).not.toBe('created');
  expect(JSON.stringify(outcome)).toMatch(new RegExp(`${OUTSIDE_ALLOWED_SCOPE}|outside TRIAGE_ALLOWED_SUBSCRIPTIONS`));
  expect(emulator.requests.filter((r) => r.method === 'PUT')).toEqual([]);
});

test('control: with its subscriptions on the list, the same triage reads them', async () => {
  const subs = scenario('aks-missing-role').world.subscriptions.map((s) => s.subscriptionId);
  const { emulator, engine } = setup(subs);
  const result = await engine.triage(target, { pods: false });
  expect(emulator.requests.some((r) => underSubscription(r.path))).toBe(true);
  expect(result.report.findings.find((f) => f.check === 'rbac.pull-role')?.status).toBe('fail');
});
