/**
 * Finding resources through Resource Graph as it really answers: `contains` is a substring match, and a
 * query that projects `id` is paged with `$skipToken` while saying `resultTruncated: false`.
 */
import { createAzureClients, type AzureClients } from '../../src/azure/clients';
import { queryAllPages } from '../../src/azure/resource-graph';
import { resolveTarget } from '../../src/azure/resolve';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { World } from '../../src/simulator/scenario';
import { parseTarget } from '../../src/triage/target';
import { ACR_SUB, REGISTRY_ID, smallWorld } from './azure-world';

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function setup(world: World): AzureClients {
  emulator = createEmulator({ world });
  return createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });
}

/** myacr and xmyacr, both with westeurope data endpoints: `contains 'myacr.westeurope.data.azurecr.io'` finds both. */
function twoRegistries(): World {
  const world = smallWorld();
  const mine = world.resources.find((r) => r.id === REGISTRY_ID)!;
  mine.properties = { ...mine.properties, dataEndpointEnabled: true, dataEndpointHostNames: ['myacr.westeurope.data.azurecr.io'] };
  world.resources.push({
    ...mine,
    id: REGISTRY_ID.replace(/myacr$/, 'xmyacr'),
    name: 'xmyacr',
    properties: { ...mine.properties, loginServer: 'xmyacr.azurecr.io', dataEndpointHostNames: ['xmyacr.westeurope.data.azurecr.io'] },
  });
  return world;
}

describe('Resource Graph lookups', () => {
  it('a data endpoint host finds its own registry only, not one whose name merely contains it', async () => {
    const clients = setup(twoRegistries());
    const resolution = await resolveTarget(
      parseTarget({ cluster: 'aks-prod', registry: 'myacr.westeurope.data.azurecr.io/shop/api:1.4.2' }),
      clients,
    );
    expect(resolution.registryLookup).toMatchObject({ state: 'ok', value: { candidates: [{ id: REGISTRY_ID }] } });
    expect(resolution.registry?.locator.id).toBe(REGISTRY_ID);
  });

  it('follows $skipToken while resultTruncated is false, and asks with allowPartialScopes', async () => {
    const world = smallWorld();
    for (let i = 0; i < 4; i++) {
      world.resources.push({
        id: `/subscriptions/${ACR_SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/extra${i}`,
        name: `extra${i}`,
        type: 'Microsoft.ContainerRegistry/registries',
        location: 'westeurope',
        properties: { loginServer: `extra${i}.azurecr.io` },
      });
    }
    const clients = setup(world);
    const query = "resources | where type =~ 'microsoft.containerregistry/registries' | project id, name";
    const pages = await queryAllPages(clients, query, { top: 2, abortSignal: new AbortController().signal });
    expect(pages.truncated).toBe(false);
    expect(pages.data).toHaveLength(5);
    const posts = emulator!.requests.filter((r) => r.path.endsWith('/providers/Microsoft.ResourceGraph/resources'));
    expect(posts).toHaveLength(3);
    for (const post of posts) expect((post.body as { options: { allowPartialScopes?: boolean } }).options.allowPartialScopes).toBe(true);
  });

  it('stops after its page limit and says the answer was truncated', async () => {
    const clients = setup(smallWorld());
    const pages = await queryAllPages(clients, 'resources | project id', { top: 1, maxPages: 2, abortSignal: new AbortController().signal });
    expect(pages).toMatchObject({ truncated: true, data: [expect.anything(), expect.anything()] });
  });
});
