/**
 * Identical triages in flight share one evidence read: through the real SDK clients against the emulator,
 * five simultaneous checks of one target cost the ARM requests of one, each caller still gets the partial
 * report, one caller aborting does not abort the others, and a check after they settle reads afresh.
 */
import { getEventListeners } from 'node:events';
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

  it("the shared signal takes all of a triage's reads at once without Node's listener-leak warning", async () => {
    const s = scenario('aks-missing-role');
    // Every answer but the cluster's own takes 100 ms: the ARM reads are still in flight when the five pod
    // lists start, as they are on a busy bot.
    emulator = createEmulator({
      world: freshWorld(s.world),
      faults: [
        { path: '^/(?!subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft.ContainerService/managedClusters/[^/]+$)', latencyMs: 100 },
      ],
    });
    const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
    const inner = createTriageEngine({ clients, readDeadlineMs: READ_DEADLINE_MS, podDeadlineMs: POD_DEADLINE_MS, podPollIntervalMs: 20 });
    // How many listen to the shared signal at once, counted as each one is added.
    let most = 0;
    let shared: AbortSignal = new AbortController().signal;
    const engine = coalescingEngine({
      ...inner,
      triage: (target, options) => {
        const signal = options?.signal;
        if (signal) {
          shared = signal;
          const add = signal.addEventListener.bind(signal);
          signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
            add(...args);
            most = Math.max(most, getEventListeners(signal, 'abort').length);
          };
        }
        return inner.triage(target, options);
      },
    });
    const result = await engine.triage(parseTarget(s.target));
    expect(result.report.verdict).toBe('problems');
    await new Promise((resolve) => setImmediate(resolve));
    expect(most).toBeGreaterThan(10);
    // Node warns (MaxListenersExceededWarning) once a signal has more listeners than its limit, 10 by default.
    // Jest's sandbox shows neither the warning (its process is a copy) nor events.getMaxListeners (another
    // realm's AbortSignal), so the limit is read where Node keeps it.
    const key = Object.getOwnPropertySymbols(shared).find((k) => k.description === 'events.maxEventTargetListeners');
    expect(key).toBeDefined();
    const limit = (shared as unknown as Record<symbol, unknown>)[key!];
    expect(limit === 0 || (typeof limit === 'number' && limit >= most)).toBe(true);
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
