/**
 * The TriageEngine end to end against the emulator: a partial (ARM-only) report first, then the full one;
 * pod evidence through run command and its failure modes; and every scenario of the library gathered and
 * judged without throwing.
 */
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { Fault, World } from '../../src/simulator/scenario';
import { SCENARIOS } from '../../src/simulator/scenarios/index';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { parseTarget } from '../../src/triage/target';
import type { Report } from '../../src/triage/report';
import { CLUSTER_ID, smallWorld } from './azure-world';

let emulator: ArmEmulator;
afterEach(async () => emulator?.close());

function engineFor(world: World, faults: Fault[] = [], podDeadlineMs = 5000) {
  emulator = createEmulator({ world, faults });
  const clients = createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });
  return createTriageEngine({ clients, readDeadlineMs: 2000, podDeadlineMs, podPollIntervalMs: 10 });
}

describe('triage engine', () => {
  it('reports ARM findings first, then the full report with pods, and counts its requests', async () => {
    const engine = engineFor(smallWorld());
    const partials: Report[] = [];
    const result = await engine.triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), { onPartialReport: (r) => partials.push(r) });
    expect(partials).toHaveLength(1);
    expect(partials[0]!.complete).toBe(false);
    expect(partials[0]!.findings.find((f) => f.check === 'rbac.pull-role')?.status).toBe('pass');
    expect(result.report.complete).toBe(true);
    expect(result.evidence.kube.state).toBe('ok');
    expect(result.report.findings.find((f) => f.check === 'pods.pull-errors')?.status).toBe('pass');
    expect(result.report.verdict).toBe('healthy');
    // requestCount counts Azure requests; the Kubernetes API server's lists are the cluster's, not Azure's.
    expect(result.requestCount).toBe(emulator.requests.filter((r) => !r.path.startsWith('/api/v1/')).length);
  });

  it('finds the missing pull role', async () => {
    const engine = engineFor(smallWorld({ acrPull: false }));
    const result = await engine.triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), { pods: false });
    expect(result.report.findings.find((f) => f.check === 'rbac.pull-role')?.status).toBe('fail');
    expect(result.report.verdict).toBe('problems');
  });

  it('turns a disabled run command on a private cluster into a failed pod read with what to run instead, without a run-command request', async () => {
    const world = smallWorld();
    const cluster = world.resources.find((r) => r.id === CLUSTER_ID)!;
    (cluster.properties!.apiServerAccessProfile as Record<string, unknown>).disableRunCommand = true;
    (cluster.properties!.apiServerAccessProfile as Record<string, unknown>).enablePrivateCluster = true;
    const engine = engineFor(world);
    const result = await engine.triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }));
    expect(result.evidence.kube).toMatchObject({
      state: 'failed',
      failure: { code: 'RunCommandDisabled', needs: expect.stringContaining('kubectl get events') },
    });
    expect(result.report.findings.find((f) => f.check === 'pods.pull-errors')?.status).toBe('unknown');
    expect(emulator.requests.some((r) => /runCommand/i.test(r.path))).toBe(false);
  });

  it('reads a public cluster whose run command is disabled straight from its Kubernetes API', async () => {
    const world = smallWorld();
    const cluster = world.resources.find((r) => r.id === CLUSTER_ID)!;
    (cluster.properties!.apiServerAccessProfile as Record<string, unknown>).disableRunCommand = true;
    const result = await engineFor(world).triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }));
    expect(result.evidence.kube).toMatchObject({ state: 'ok', value: { via: 'kubernetes-api' } });
    expect(emulator.requests.some((r) => /runCommand/i.test(r.path))).toBe(false);
  });

  it('reports a run-command pod that cannot start, a 403 and a hang as failed pod reads (private cluster: run command is the only path)', async () => {
    const privateWorld = (): World => {
      const w = smallWorld();
      (w.resources.find((r) => r.id === CLUSTER_ID)!.properties!.apiServerAccessProfile as Record<string, unknown>).enablePrivateCluster = true;
      return w;
    };
    const world = privateWorld();
    world.kube![CLUSTER_ID.toLowerCase()]!.runCommandFailure = 'ImagePullBackoff';
    let engine = engineFor(world);
    let result = await engine.triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }));
    expect(result.evidence.kube).toMatchObject({ state: 'failed', failure: { message: expect.stringContaining('ImagePullBackoff') } });
    await emulator.close();

    engine = engineFor(privateWorld(), [{ path: '/runCommand', status: 403, code: 'AuthorizationFailed', message: 'no runcommand/action' }]);
    result = await engine.triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }));
    expect(result.evidence.kube).toMatchObject({
      state: 'failed',
      failure: { kind: 'forbidden', needs: expect.stringContaining('runcommand/action') },
    });
    await emulator.close();

    engine = engineFor(privateWorld(), [{ path: '/runCommand', hang: true }], 300);
    const partials: Report[] = [];
    const started = Date.now();
    result = await engine.triage(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), { onPartialReport: (r) => partials.push(r) });
    expect(result.evidence.kube).toMatchObject({ state: 'failed', failure: { kind: 'timeout' } });
    expect(partials[0]!.findings.find((f) => f.check === 'rbac.pull-role')?.status).toBe('pass');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('every scenario of the library', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: gathers and judges without throwing', async (_name, scenario) => {
    const engine = engineFor(scenario.world, scenario.faults ?? [], 3000);
    const target = parseTarget({ cluster: scenario.target.cluster, registry: scenario.target.registry });
    const result = await engine.triage(target);
    expect(result.report.findings.length).toBeGreaterThan(0);
    expect(['healthy', 'problems', 'incomplete']).toContain(result.report.verdict);
    expect(emulator.requests.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method))).toEqual([]);
  });
});
