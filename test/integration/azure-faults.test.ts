/**
 * Every ARM read of a triage, made to fail in each way Azure fails (403, 404, 429, a hang, a malformed
 * answer), must become a `failed` read of the right kind in the evidence — never a throw, never a hang.
 */
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { Fault } from '../../src/simulator/scenario';
import { createAzureClients } from '../../src/azure/clients';
import { gatherEvidence } from '../../src/azure/gather';
import { parseTarget } from '../../src/triage/target';
import type { Evidence, Read, ReadFailureKind } from '../../src/triage/evidence';
import { smallWorld } from './azure-world';

const READS: { name: string; path: string; pick: (e: Evidence) => Read<unknown>[] }[] = [
  {
    name: 'cluster GET',
    path: '^/subscriptions/[^/]+/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod$',
    pick: (e) => [e.cluster],
  },
  {
    name: 'registry GET',
    path: '^/subscriptions/[^/]+/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr$',
    pick: (e) => [e.registry],
  },
  { name: 'role assignments', path: '/providers/Microsoft.Authorization/roleAssignments', pick: (e) => [e.pullerAssignments, e.scopeAssignments] },
  { name: 'deny assignments', path: '/providers/Microsoft.Authorization/denyAssignments', pick: (e) => [e.denyAssignments] },
  { name: 'VMSS list', path: '/virtualMachineScaleSets', pick: (e) => [e.vmss] },
  { name: 'egress public IP', path: '/publicIPAddresses/', pick: (e) => [e.network.egressIps] },
];

const FAILURES: { name: string; fault: Omit<Fault, 'path'>; kind: ReadFailureKind }[] = [
  { name: '403', fault: { status: 403, code: 'AuthorizationFailed', message: 'The client does not have authorization' }, kind: 'forbidden' },
  { name: '404', fault: { status: 404, code: 'ResourceNotFound', message: 'not found' }, kind: 'not-found' },
  { name: '429', fault: { status: 429, code: 'TooManyRequests', message: 'throttled' }, kind: 'throttled' },
  { name: 'hang', fault: { hang: true }, kind: 'timeout' },
  { name: 'malformed', fault: { malformed: true }, kind: 'malformed' },
];

describe.each(READS)('$name', ({ path, pick }) => {
  let emulator: ArmEmulator;
  afterEach(async () => emulator?.close());

  it.each(FAILURES)('$name becomes a failed read of the right kind', async ({ fault, kind }) => {
    emulator = createEmulator({ world: smallWorld(), faults: [{ path, ...fault }] });
    const clients = createAzureClients({
      credential: emulator.credential,
      endpoint: emulator.endpoint,
      httpClient: emulator.httpClient,
      retryOptions: { maxRetries: 0 },
    });
    const started = Date.now();
    const evidence = await gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), clients, { pods: false, readDeadlineMs: 400 })
      .withPods;
    expect(Date.now() - started).toBeLessThan(3000);
    for (const read of pick(evidence)) {
      expect(read.state).toBe('failed');
      if (read.state === 'failed') {
        expect(read.failure.kind).toBe(kind);
        expect(read.failure.message).toMatch(/^Could not read /);
        if (kind === 'forbidden') expect(read.failure.needs).toBeTruthy();
      }
    }
  });
});

describe('Resource Graph failing', () => {
  let emulator: ArmEmulator;
  afterEach(async () => emulator?.close());

  it.each(FAILURES)('$name falls back to listing subscriptions and still finds both', async ({ fault }) => {
    emulator = createEmulator({ world: smallWorld(), faults: [{ path: '/providers/Microsoft.ResourceGraph/resources', ...fault }] });
    const clients = createAzureClients({
      credential: emulator.credential,
      endpoint: emulator.endpoint,
      httpClient: emulator.httpClient,
      retryOptions: { maxRetries: 0 },
    });
    const evidence = await gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), clients, { pods: false, readDeadlineMs: 400 })
      .evidence;
    expect(evidence.clusterLookup).toMatchObject({ state: 'ok', value: { candidates: [{ name: 'aks-prod' }] } });
    expect(evidence.registryLookup).toMatchObject({ state: 'ok', value: { candidates: [{ name: 'myacr' }] } });
    expect(evidence.cluster.state).toBe('ok');
    expect(evidence.pullerAssignments.state).toBe('ok');
  });
});
