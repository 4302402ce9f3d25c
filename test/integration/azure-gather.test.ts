/**
 * gatherEvidence through the real SDK clients against the in-process ARM emulator: the evidence of a small
 * world, the number of ARM requests, the critical path (round trips measured with emulator latency), and
 * that check never writes.
 */
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { createAzureClients, type AzureClients } from '../../src/azure/clients';
import { gatherEvidence } from '../../src/azure/gather';
import { READ_ONLY_KUBE_COMMANDS } from '../../src/azure/kube-command';
import { parseTarget } from '../../src/triage/target';
import type { Evidence } from '../../src/triage/evidence';
import { ACR_SUB, CLUSTER_ID, KUBELET_ID, KUBELET_OBJECT, PIP_ID, REGISTRY_ID, SUB, TENANT, smallWorld } from './azure-world';

function setup(world = smallWorld(), latencyMs = 0): { emulator: ArmEmulator; clients: AzureClients } {
  const emulator = createEmulator({ world, latencyMs });
  const clients = createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });
  return { emulator, clients };
}

const armRequests = (emulator: ArmEmulator) => emulator.requests.filter((r) => r.host === new URL(emulator.endpoint).hostname);

function ok<T>(read: { state: string; value?: T; failure?: unknown; reason?: string }): T {
  if (read.state !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(read)}`);
  return read.value as T;
}

describe('gatherEvidence against the emulator', () => {
  let emulator: ArmEmulator;
  afterEach(async () => emulator?.close());

  it('reads a small healthy world by names into evidence', async () => {
    const env = setup();
    emulator = env.emulator;
    const gathered = gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), env.clients, { pods: true, podPollIntervalMs: 10 });
    const evidence: Evidence = await gathered.evidence;

    expect(ok(evidence.clusterLookup)).toMatchObject({ candidates: [{ id: CLUSTER_ID, subscriptionId: SUB }], truncated: false });
    expect(ok(evidence.registryLookup)).toMatchObject({ candidates: [{ id: REGISTRY_ID, loginServer: 'myacr.azurecr.io', tenantId: TENANT }] });
    const cluster = ok(evidence.cluster);
    expect(cluster.kubeletIdentity).toEqual({ resourceId: KUBELET_ID, clientId: expect.any(String), objectId: KUBELET_OBJECT });
    expect(cluster.network.effectiveOutboundIpIds).toEqual([PIP_ID]);
    expect(cluster.aad.managed).toBe(true);
    const registry = ok(evidence.registry);
    expect(registry).toMatchObject({
      id: REGISTRY_ID,
      subscriptionId: ACR_SUB,
      sku: 'Premium',
      loginServer: 'myacr.azurecr.io',
      roleAssignmentMode: 'LegacyRegistryPermissions',
      tenantId: TENANT,
    });
    expect(ok(evidence.pullerAssignments).map((a) => [a.roleGuid, a.principalId])).toEqual([
      ['7f951dda-4ed3-4680-a7ca-43fe172d538d', KUBELET_OBJECT],
    ]);
    expect(ok(evidence.scopeAssignments).length).toBeGreaterThanOrEqual(2);
    expect(ok(evidence.denyAssignments)).toEqual([]);
    expect(ok(evidence.vmss)).toEqual([expect.objectContaining({ name: 'aks-nodepool1-12345678-vmss', userAssignedIdentityIds: [KUBELET_ID] })]);
    expect(ok(evidence.network.egressIps)).toEqual([{ id: PIP_ID, ipAddress: '51.4.7.9' }]);
    expect(evidence.network.privateEndpoints.state).toBe('skipped');
    expect(evidence.network.clusterVnets.state).toBe('skipped');
    expect(ok(evidence.clusterTenantId)).toBe(TENANT);
    expect(evidence.servicePrincipal.state).toBe('skipped');
    expect(evidence.kube.state).toBe('skipped');
    // checks decide on the cause, not the wording: pods still coming are `pending`, absent things `not-applicable`
    expect(evidence.kube).toMatchObject({ cause: 'pending' });
    expect(evidence.network.privateEndpoints).toMatchObject({ cause: 'not-applicable' });
    expect(evidence.servicePrincipal).toMatchObject({ cause: 'not-applicable' });

    const withPods = await gathered.withPods;
    const kube = ok(withPods.kube);
    // The one pod runs: only pods waiting on a pull are listed, but every pod is counted.
    expect(kube.podCount).toBe(1);
    // A public API server: read straight from the Kubernetes API, not through run command.
    expect(kube.via).toBe('kubernetes-api');
    expect(kube.pods).toEqual([]);
    expect(ok(kube.nodes)).toEqual([{ name: 'aks-nodepool1-12345678-vmss000000', os: 'linux', arch: 'amd64', agentPool: 'nodepool1' }]);
  });

  it('makes at most 8 ARM requests and never writes, with only Resource Graph, permissions, the cluster-user credential and the read-only run command as POSTs', async () => {
    const env = setup();
    emulator = env.emulator;
    const gathered = gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), env.clients, { pods: false });
    expect((await gathered.withPods).kube).toMatchObject({ state: 'skipped', cause: 'turned-off' });
    const arm = armRequests(emulator);
    expect(arm.length).toBeLessThanOrEqual(8);
    expect(emulator.requests.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method))).toEqual([]);
    emulator.clearRequests();

    const withPods = await gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr.azurecr.io/shop/api:1.4.2' }), env.clients, {
      podPollIntervalMs: 10,
    }).withPods;
    expect(withPods.kube.state).toBe('ok');
    expect(ok(withPods.image)).toMatchObject({ exists: true, platforms: [{ os: 'linux', architecture: 'amd64' }] });
    expect(emulator.requests.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method))).toEqual([]);
    for (const post of emulator.requests.filter((r) => r.method === 'POST')) {
      const allowed =
        /\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(post.path) ||
        /\/providers\/Microsoft\.Authorization\/permissions$/i.test(post.path) ||
        /\/oauth2\/(exchange|token)$/.test(post.path) ||
        /\/managedClusters\/[^/]+\/listClusterUserCredential$/i.test(post.path) ||
        (/\/managedClusters\/[^/]+\/runCommand$/i.test(post.path) &&
          READ_ONLY_KUBE_COMMANDS.includes((post.body as { command?: string }).command ?? ''));
      expect({ path: post.path, allowed }).toEqual({ path: post.path, allowed: true });
    }
  });

  // A second of emulated latency per request: the CPU a triage needs (tens of ms, more on a loaded CI
  // machine) stays well inside the half round trip of slack, so this counts round trips, not speed.
  it('keeps the critical path to two round trips (1 s per request)', async () => {
    const latencyMs = 1000;
    const env = setup(smallWorld(), latencyMs);
    emulator = env.emulator;
    const started = Date.now();
    const evidence = await gatherEvidence(parseTarget({ cluster: 'aks-prod', registry: 'myacr' }), env.clients, { pods: false }).evidence;
    const elapsed = Date.now() - started;
    expect(evidence.cluster.state).toBe('ok');
    expect(elapsed).toBeLessThan(2.5 * latencyMs);
    expect(elapsed).toBeGreaterThanOrEqual(2 * latencyMs);
  });
  it('reads ARM ids directly in the first round, without Resource Graph', async () => {
    const env = setup();
    emulator = env.emulator;
    const evidence = await gatherEvidence(parseTarget({ cluster: CLUSTER_ID, registry: REGISTRY_ID }), env.clients, { pods: false }).evidence;
    expect(ok(evidence.cluster).id).toBe(CLUSTER_ID);
    expect(ok(evidence.registry).tenantId).toBe(TENANT);
    expect(ok(evidence.pullerAssignments)).toHaveLength(1);
    expect(ok(evidence.clusterTenantId)).toBe(TENANT);
    expect(emulator.requests.some((r) => /ResourceGraph/i.test(r.path))).toBe(false);
    expect(armRequests(emulator).length).toBeLessThanOrEqual(8);
  });

  it('marks reads that need a registry it could not identify as missing-input, and so are the pods of a cluster it could not find', async () => {
    const env = setup();
    emulator = env.emulator;
    const gathered = gatherEvidence(parseTarget({ cluster: 'aks-nowhere', registry: 'nosuchacr' }), env.clients, { podPollIntervalMs: 10 });
    const evidence = await gathered.withPods;
    expect(evidence.registry).toMatchObject({ state: 'skipped', cause: 'missing-input' });
    expect(evidence.scopeAssignments).toMatchObject({ state: 'skipped', cause: 'missing-input' });
    expect(evidence.pullerAssignments).toMatchObject({ state: 'skipped', cause: 'missing-input' });
    expect(evidence.kube).toMatchObject({ state: 'skipped', cause: 'missing-input' });
  });
});
