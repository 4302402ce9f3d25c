/**
 * Unbounded growth and flooding. The earlier bot kept an SDK client per subscription id forever (2,000
 * triages naming random subscriptions retained ~100 MB), queued every triage anyone asked for, and let one
 * person (or a script) start as many as they liked. Now clients are kept in an LRU, the queue has a cap with a
 * "try again" answer (the work scheduler's maxWaiting, TRIAGE_QUEUE_LIMIT: src/scheduling/work-scheduler.test.ts), and
 * each person has a rate (TRIAGE_RATE_LIMIT).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAzureClients } from '../../src/azure/clients';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { createEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios';
import { FakeConnector, cardText } from '../e2e/fake-connector';
import { NICK, RITA, mention } from '../e2e/teams';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed / (1024 * 1024);
};

test('SDK clients for 2,000 different subscriptions do not stay in memory', () => {
  const emulator = createEmulator({ world: structuredClone(scenario('aks-healthy').world) });
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  for (let i = 0; i < 50; i++) clients.authorization(randomUUID());
  const before = heapMb();
  for (let i = 0; i < 2_000; i++) {
    const subscription = randomUUID();
    clients.authorization(subscription);
    clients.containerRegistry(subscription);
    clients.containerService(subscription);
  }
  // Unbounded, 6,000 clients held 106 MB; with the LRU (32 of each kind) growth measured 10–30 MB on a loaded
  // machine, the rest being compiled code and GC timing, not clients. Half the unbounded figure still tells them apart.
  expect(heapMb() - before).toBeLessThan(50);
});

describe('per-person rate over the real server', () => {
  const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
  let connector: FakeConnector;
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    connector = new FakeConnector();
    await connector.start();
    dataDir = mkdtempSync(path.join(tmpdir(), 'triage-limits-'));
    app = await startApp({
      env: { PORT: '0', TRIAGE_DATA_DIR: dataDir, TRIAGE_RATE_LIMIT: '2', TRIAGE_PODS: 'false' },
      log: quiet,
      print: () => undefined,
    });
  });

  afterAll(async () => {
    await app?.close(2_000);
    await connector?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function check(user: typeof RITA): Promise<string> {
    const from = connector.sent.length;
    await fetch(`${app.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mention(connector.url, user, 'check aks-healthy acrdemo')),
    });
    const first = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).length > 0, { from });
    return cardText(first.activity);
  }

  test('the third check in a minute from one person is not started and says when to retry; another person is served', async () => {
    expect(await check(RITA)).not.toMatch(/Not checked/);
    expect(await check(RITA)).not.toMatch(/Not checked/);
    const armBefore = app.emulator?.requests.length ?? 0;
    const third = await check(RITA);
    expect(third).toMatch(/Not checked/);
    expect(third).toMatch(/Try again in \d+ s/);
    expect(await check(NICK)).not.toMatch(/Not checked/);
    await app.core.background.idle();
    // Nick's triage made requests; Rita's third made none: compare against a run without hers.
    expect(app.emulator?.requests.length).toBeGreaterThan(armBefore);
  });
});
