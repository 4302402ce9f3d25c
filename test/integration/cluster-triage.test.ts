/**
 * `check <cluster>` alone: in every scenario whose cluster has pods failing to pull, reading the cluster's
 * pods finds the scenario's registry among the failing ones and triages it to the same verdict as naming
 * the registry does; the healthy cluster says no pod is failing to pull. Through the real SDK clients
 * against the in-process emulator.
 */
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { SCENARIOS, scenario as named } from '../../src/simulator/scenarios/index';
import type { Scenario } from '../../src/simulator/scenario';
import { clusterSummary, failingRegistries, triageCluster } from '../../src/triage/cluster-triage';
import { parseClusterRef, parseTarget } from '../../src/triage/target';
import { freshWorld, POD_DEADLINE_MS, READ_DEADLINE_MS } from '../support/scenario-engine';

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function engineFor(s: Scenario) {
  emulator = createEmulator({ world: freshWorld(s.world), faults: s.faults ?? [] });
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  return createTriageEngine({ clients, readDeadlineMs: READ_DEADLINE_MS, podDeadlineMs: POD_DEADLINE_MS, podPollIntervalMs: 20 });
}

/** Scenarios whose own cluster has a container waiting on a pull, as the world holds it (no faults on pods). */
function hasFailingPods(s: Scenario): boolean {
  const kube = Object.entries(s.world.kube ?? {}).find(([id]) =>
    id.toLowerCase().endsWith(`/managedclusters/${parseTarget(s.target).cluster.name.toLowerCase()}`),
  )?.[1];
  // The world holds raw pod JSON; the waiting reasons are all that matters here.
  return (kube?.pods ?? []).some((p) => /"reason":"(ErrImagePull|ImagePullBackOff|InvalidImageName)"/.test(JSON.stringify(p)));
}

const WITH_FAILING_PODS = SCENARIOS.filter((s) => hasFailingPods(s) && !(s.faults ?? []).length);

describe('check <cluster> alone', () => {
  it('covers the scenarios with failing pods', () => {
    expect(WITH_FAILING_PODS.length).toBeGreaterThan(15);
  });

  it.each(WITH_FAILING_PODS.map((s) => [s.name, s] as const))('%s: finds the registry the pods fail on and triages it', async (_name, s) => {
    const engine = engineFor(s);
    const target = parseTarget(s.target);
    const direct = await engine.triage(target);
    const byCluster = await triageCluster(engine, target.cluster, { subscriptionId: target.subscriptionId });
    expect(byCluster.kube.state).toBe('ok');
    expect(byCluster.registries.length).toBeGreaterThan(0);
    const directRegistry = direct.evidence.registry.state === 'ok' ? direct.evidence.registry.value.loginServer : undefined;
    const mine =
      byCluster.registries.find(
        (r) => r.result.evidence.registry.state === 'ok' && r.result.evidence.registry.value.loginServer === directRegistry,
      ) ?? byCluster.registries.find((r) => r.group.registry.kind === 'external');
    expect(mine).toBeDefined();
    expect(mine?.result.report.verdict).toBe(direct.report.verdict);
    // Failing registries lead the report.
    expect(byCluster.registries[0]?.result.report.verdict).not.toBe('healthy');
    expect(clusterSummary(byCluster)).toMatch(/^Failing to pull from /);
    // One pod read for the cluster, none again per registry (the direct triage above makes the other one):
    // a run command, or a first page of pods from the cluster's API server.
    const podReads = emulator!.requests.filter(
      (r) => (r.method === 'POST' && /\/runCommand$/i.test(r.path)) || (r.method === 'GET' && /^\/api\/v1\/pods$/.test(r.path) && !r.query.continue),
    );
    expect(podReads).toHaveLength(2);
  });

  it('says no pod is failing to pull on the healthy cluster, with what was read', async () => {
    const s = named('aks-healthy');
    const engine = engineFor(s);
    const t = await triageCluster(engine, parseClusterRef('aks-healthy'));
    expect(t.verdict).toBe('no-failing-pods');
    expect(clusterSummary(t)).toMatch(
      /^No pod is failing to pull: \d+ pods and \d+ events? read on aks-healthy \(all namespaces, through (run-command|kubernetes-api)\)\.$/,
    );
  });

  it('narrows to a namespace or a pod, and says when the cluster is not visible', async () => {
    const s = named('aks-missing-role');
    const engine = engineFor(s);
    const kube = (await engine.readClusterPods(parseClusterRef('aks-missing-role'))).kube;
    if (kube.state !== 'ok') throw new Error('pods not read');
    expect(failingRegistries(kube.value).map((g) => [g.key, g.failing.length])).toEqual([['acrdemo.azurecr.io', 3]]);
    expect(failingRegistries(kube.value, { namespace: 'kube-system' })).toEqual([]);
    const pod = kube.value.pods.find((p) => p.name.startsWith('web-'))!;
    expect(failingRegistries(kube.value, { namespace: 'shop', pod: pod.name })[0]?.failing.map((f) => f.pod)).toEqual([pod.name]);
    const missing = await triageCluster(engine, parseClusterRef('aks-nowhere'));
    expect(missing.verdict).toBe('incomplete');
    expect(clusterSummary(missing)).toMatch(/could not be identified: no cluster matching the name is visible to the bot/);
  });
});
