/**
 * Identical triages in flight share one evidence read: through the real SDK clients against the emulator,
 * five simultaneous checks of one target cost the ARM requests of one, each caller still gets the partial
 * report, one caller aborting does not abort the others, and a check after they settle reads afresh.
 */
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios/index';
import { coalescingEngine } from '../../src/triage/coalescing-engine';
import { triageCluster } from '../../src/triage/cluster-triage';
import type { Report } from '../../src/triage/report';
import { parseClusterRef, parseTarget } from '../../src/triage/target';
import { freshWorld, POD_DEADLINE_MS, READ_DEADLINE_MS } from '../support/scenario-engine';

let emulator: ArmEmulator;
afterEach(() => emulator.close());

function engines() {
  const s = scenario('aks-missing-role');
  emulator = createEmulator({ world: freshWorld(s.world) });
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const inner = createTriageEngine({ clients, readDeadlineMs: READ_DEADLINE_MS, podDeadlineMs: POD_DEADLINE_MS, podPollIntervalMs: 20 });
  return { inner, engine: coalescingEngine(inner), target: parseTarget(s.target) };
}

const armRequests = () => emulator.requests.filter((r) => !/\/msi\/token$/.test(r.path)).length;

describe('coalescing identical triages', () => {
  it('five checks at once read Azure once; each gets the partial report; a later check reads again', async () => {
    const { engine, target } = engines();
    const partials: Report[][] = [[], [], [], [], []];
    const results = await Promise.all(partials.map((seen) => engine.triage(target, { onPartialReport: (r) => seen.push(r) })));
    const shared = armRequests();
    expect(new Set(results).size).toBe(1);
    expect(engine.joined.triages).toBe(4);
    expect(partials.map((p) => p.length)).toEqual([1, 1, 1, 1, 1]);

    await engine.triage(target);
    expect(armRequests()).toBe(2 * shared);
  });

  it('one caller aborting leaves the shared read running for the others', async () => {
    const { engine, target } = engines();
    const quitter = new AbortController();
    const first = engine.triage(target, { signal: quitter.signal });
    const second = engine.triage(target);
    quitter.abort(new Error('went away'));
    const [a, b] = await Promise.all([first, second]);
    expect(b.report.verdict).toBe('problems');
    expect(a).toBe(b);
  });

  it('cluster triages at once share the pod read and each registry triage', async () => {
    const { engine, inner } = engines();
    // A pod read is a run command or a first page of pods from the cluster's API server.
    const podReads = () =>
      emulator.requests.filter(
        (r) =>
          (r.method === 'POST' && /\/runCommand$/i.test(r.path)) || (r.method === 'GET' && /^\/api\/v1\/pods$/.test(r.path) && !r.query.continue),
      ).length;
    const alone = await triageCluster(inner, parseClusterRef('aks-missing-role'));
    const single = armRequests();
    expect(podReads()).toBe(1);
    const many = await Promise.all(Array.from({ length: 10 }, () => triageCluster(engine, parseClusterRef('aks-missing-role'))));
    expect(many.every((t) => t.verdict === alone.verdict)).toBe(true);
    expect(podReads()).toBe(2);
    expect(armRequests() - single).toBe(single);
  });
});
