/**
 * A registry in another Entra tenant: ARM refuses the bot's token itself (401 InvalidAuthenticationTokenTenant),
 * and the product says where the registry lives instead of asking for a Reader role that cannot help.
 */
import { createAzureClients } from '../../src/azure/clients';
import { resolveTarget } from '../../src/azure/resolve';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { parseTarget } from '../../src/triage/target';
import { CLUSTER_ID, smallWorld } from './azure-world';

const FOREIGN_TENANT = '3b8a0000-0000-4000-8000-000000000002';
const FOREIGN_SUB = '33333333-3333-4333-8333-333333333333';
const FOREIGN_REGISTRY = `/subscriptions/${FOREIGN_SUB}/resourceGroups/rg-partner/providers/Microsoft.ContainerRegistry/registries/acrpartner`;

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

it('reading a registry of another tenant is 401 InvalidAuthenticationTokenTenant, reported as that tenant, not as a missing Reader role', async () => {
  const world = smallWorld();
  world.subscriptions.push({ subscriptionId: FOREIGN_SUB, tenantId: FOREIGN_TENANT, displayName: 'Partner images' });
  world.readableSubscriptions = world.subscriptions.filter((s) => s.subscriptionId !== FOREIGN_SUB).map((s) => s.subscriptionId);
  world.resources.push({
    id: FOREIGN_REGISTRY,
    name: 'acrpartner',
    type: 'Microsoft.ContainerRegistry/registries',
    location: 'westeurope',
    properties: { loginServer: 'acrpartner.azurecr.io' },
  });
  emulator = createEmulator({ world });
  const clients = createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });

  const resolution = await resolveTarget(parseTarget({ cluster: CLUSTER_ID, registry: FOREIGN_REGISTRY }), clients);
  const read = resolution.registry?.read;
  expect(read).toMatchObject({ state: 'failed', failure: { kind: 'forbidden', status: 401, code: 'InvalidAuthenticationTokenTenant' } });
  if (read?.state !== 'failed') throw new Error('expected a failed read');
  expect(read.failure.message).toContain(`Entra tenant ${FOREIGN_TENANT}`);
  expect(read.failure.needs).toContain('multi-tenant');
  expect(read.failure.needs).not.toMatch(/^Reader/);
});
