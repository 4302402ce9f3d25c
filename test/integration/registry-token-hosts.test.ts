/**
 * The bot's Entra token goes only to ACR hosts. A login server is data that came back from Azure (registry
 * properties, Resource Graph rows); a malformed or hostile one must not receive a token that is good for all of ARM.
 */
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { createAzureClients } from '../../src/azure/clients';
import { gatherEvidence } from '../../src/azure/gather';
import { readImage } from '../../src/azure/data-plane';
import { isAcrHost } from '../../src/triage/acr-hosts';
import { parseTarget } from '../../src/triage/target';
import type { World } from '../../src/simulator/scenario';
import { REGISTRY_ID, smallWorld } from './azure-world';

const HOSTILE = 'myacr.attacker.example';

function worldWithLoginServer(loginServer: string): World {
  const world = smallWorld();
  const registry = world.resources.find((r) => r.id === REGISTRY_ID);
  if (!registry?.properties) throw new Error('smallWorld has no registry');
  registry.properties.loginServer = loginServer;
  return world;
}

let emulator: ArmEmulator;
afterEach(async () => emulator?.close());

function setup(world: World) {
  emulator = createEmulator({ world });
  return createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });
}

const toHost = (host: string) => emulator.requests.filter((r) => r.host === host);

test('a registry whose login server is not an ACR host never receives a request (no token exchange)', async () => {
  const clients = setup(worldWithLoginServer(HOSTILE));
  const gathered = gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), clients, { pods: true, podPollIntervalMs: 10 });
  const evidence = await gathered.withPods;
  expect(evidence.registry).toMatchObject({ state: 'ok', value: { loginServer: HOSTILE } });
  expect(toHost(HOSTILE)).toEqual([]);
});

test('readImage refuses a non-ACR login server with a reason, and sends nothing', async () => {
  const clients = setup(worldWithLoginServer(HOSTILE));
  const image = { raw: `${HOSTILE}/shop/api:1.4.2`, host: HOSTILE, repository: 'shop/api', tag: '1.4.2' };
  const read = await readImage(clients, HOSTILE, image);
  expect(read).toMatchObject({ state: 'skipped', cause: 'missing-input', reason: expect.stringContaining('not an Azure Container Registry host') });
  expect(toHost(HOSTILE)).toEqual([]);
});

test('the same read against the ACR host of the same world does reach the registry', async () => {
  const clients = setup(smallWorld());
  const image = { raw: 'myacr.azurecr.io/shop/api:1.4.2', host: 'myacr.azurecr.io', repository: 'shop/api', tag: '1.4.2' };
  const read = await readImage(clients, 'myacr.azurecr.io', image);
  expect(read).toMatchObject({ state: 'ok', value: { exists: true } });
  expect(toHost('myacr.azurecr.io').length).toBeGreaterThan(0);
});

test.each([
  ['myacr.azurecr.io', true],
  ['myacr.azurecr.cn', true],
  ['myacr-abc.westeurope.data.azurecr.io', true],
  ['myacr.azurecr.io.attacker.example', false],
  ['azurecr.io', false],
  ['myacr.azurecr.com', false],
  ['169.254.169.254', false],
  ['localhost', false],
  ['myacr.azurecr.io:443', false],
  ['user@myacr.azurecr.io', false],
])('isAcrHost(%s) is %s', (host, expected) => {
  expect(isAcrHost(host)).toBe(expected);
});
