/**
 * Pod evidence straight from the Kubernetes API: the emulator's API server driven by the real
 * @kubernetes/client-node (field selectors, limit/continue paging, Status 401/403/400) — so that the emulated
 * servers behave as the official client expects — and the product's choice of path (the API for a public API
 * server, run command for a private or unreachable one) through the real ARM SDK and the bot's own
 * Kubernetes reads (src/azure/kube-client.ts).
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createAzureClients, AKS_AAD_SERVER_SCOPE, type AzureClients } from '../../src/azure/clients';
import { readKubeEvidence, type KubeTarget } from '../../src/azure/kube-evidence';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { KubeState, World } from '../../src/simulator/scenario';
import { failingPod, pullErrors, runningPod } from '../../src/simulator/scenarios/builders';
import type { KubeFacts, Read } from '../../src/triage/evidence';
import { CLUSTER_ID, SUB, smallWorld } from './azure-world';

const IMAGE = 'myacr.azurecr.io/shop/api:1.4.2';
const TARGET: KubeTarget = {
  subscriptionId: SUB,
  resourceGroup: 'rg-prod',
  name: 'aks-prod',
  aadManaged: true,
  runCommandDisabled: false,
  privateCluster: false,
};

function world(o: { runningPods?: number; forbidden?: KubeState['forbidden']; cluster?: Record<string, unknown> } = {}): World {
  const w = smallWorld();
  const cluster = w.resources.find((r) => r.id === CLUSTER_ID)!;
  cluster.properties = { ...cluster.properties, ...o.cluster };
  const node = 'aks-nodepool1-12345678-vmss000000';
  const failing = failingPod({ ns: 'shop', app: 'api', image: IMAGE, node, seed: 'api', error: pullErrors.unauthorized(IMAGE) });
  const running = Array.from({ length: o.runningPods ?? 2 }, (_, i) =>
    runningPod({ ns: 'web', app: `web${i}`, image: 'myacr.azurecr.io/web:1', node, seed: `w${i}` }),
  );
  const state = w.kube![CLUSTER_ID.toLowerCase()]!;
  w.kube![CLUSTER_ID.toLowerCase()] = {
    ...state,
    pods: [failing.pod, ...running.map((r) => r.pod)],
    events: failing.events,
    pullSecrets: [{ namespace: 'shop', name: 'acr-cred' }],
    ...(o.forbidden ? { forbidden: o.forbidden } : {}),
  };
  return w;
}

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

function setup(w: World): AzureClients {
  emulator = createEmulator({ world: w });
  return createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    httpClient: emulator.httpClient,
    retryOptions: { maxRetries: 0 },
  });
}

async function coreApi(clients: AzureClients, token: string): Promise<CoreV1Api> {
  const credentials = await clients.containerService(SUB).managedClusters.listClusterUserCredentials('rg-prod', 'aks-prod');
  const fromArm = new KubeConfig();
  fromArm.loadFromString(Buffer.from(credentials.kubeconfigs![0]!.value!).toString('utf8'));
  const server = fromArm.getCurrentCluster()!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: server.server, caData: server.caData, skipTLSVerify: false }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc.makeApiClient(CoreV1Api);
}

async function statusOf(call: Promise<unknown>): Promise<{ code: number; reason?: string; kind?: string }> {
  try {
    await call;
  } catch (error) {
    // client-node keeps the Status body for the codes its spec does not name (400, 403), not for 401.
    const e = error as { code: number; body?: string };
    const body = (typeof e.body === 'string' ? JSON.parse(e.body) : {}) as { kind?: string; reason?: string };
    return { code: e.code, ...(body.reason ? { reason: body.reason, kind: body.kind } : {}) };
  }
  throw new Error('expected the call to fail');
}

function facts(read: Read<KubeFacts>): KubeFacts {
  if (read.state !== 'ok') throw new Error(`expected pod evidence, got ${JSON.stringify(read)}`);
  return read.value;
}

describe('the emulator’s Kubernetes API, through @kubernetes/client-node', () => {
  it('lists across namespaces with field selectors and limit/continue paging', async () => {
    const clients = setup(world({ runningPods: 7 }));
    const token = (await clients.credential.getToken(AKS_AAD_SERVER_SCOPE))!.token;
    const api = await coreApi(clients, token);

    const first = await api.listPodForAllNamespaces({ limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?._continue).toBeTruthy();
    expect(first.metadata?.remainingItemCount).toBe(5);
    const names = first.items.map((p) => p.metadata?.name);
    let cont = first.metadata?._continue;
    while (cont) {
      const next = await api.listPodForAllNamespaces({ limit: 3, _continue: cont });
      names.push(...next.items.map((p) => p.metadata?.name));
      cont = next.metadata?._continue;
    }
    expect(new Set(names).size).toBe(8);

    const warnings = await api.listEventForAllNamespaces({ fieldSelector: 'involvedObject.kind=Pod,type=Warning' });
    expect(warnings.items.length).toBeGreaterThan(0);
    expect(warnings.items.every((e) => e.type === 'Warning')).toBe(true);
    const pulling = await api.listEventForAllNamespaces({ fieldSelector: 'type!=Warning' });
    expect(pulling.items.map((e) => e.reason)).toEqual(['Pulling']);
    expect(await statusOf(api.listPodForAllNamespaces({ fieldSelector: 'spec.containers.image=x' }))).toEqual({
      code: 400,
      reason: 'BadRequest',
      kind: 'Status',
    });
  });

  it('answers Status 401 to a token for another audience and Status 403 for a resource the caller may not list', async () => {
    const clients = setup(world({ forbidden: ['secrets'] }));
    const armToken = (await clients.credential.getToken('https://management.azure.com/.default'))!.token;
    expect(await statusOf((await coreApi(clients, armToken)).listNode())).toEqual({ code: 401 });
    const api = await coreApi(clients, (await clients.credential.getToken(AKS_AAD_SERVER_SCOPE))!.token);
    expect(await statusOf(api.listSecretForAllNamespaces())).toEqual({ code: 403, reason: 'Forbidden', kind: 'Status' });
    expect((await api.listNode()).items).toHaveLength(1);
  });
});

describe('pod evidence picks its path', () => {
  it('a public API server is read straight from the Kubernetes API: no run command', async () => {
    const clients = setup(world());
    const kube = facts(await readKubeEvidence(clients, TARGET));
    expect(kube.via).toBe('kubernetes-api');
    expect(kube.podCount).toBe(3);
    expect(kube.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual([expect.stringMatching(/^shop\/api-/)]);
    expect(kube.events.state === 'ok' && kube.events.value.some((e) => e.message.includes('401 Unauthorized'))).toBe(true);
    expect(kube.pullSecrets).toEqual({ state: 'ok', value: [{ namespace: 'shop', name: 'acr-cred' }] });
    expect(emulator!.requests.some((r) => /runCommand$/i.test(r.path))).toBe(false);
  });

  it('pages through more pods than one list returns', async () => {
    const clients = setup(world({ runningPods: 1200 }));
    const kube = facts(await readKubeEvidence(clients, TARGET));
    expect(kube.podCount).toBe(1201);
    expect(kube.pods).toHaveLength(1);
    expect(emulator!.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.query['continue'] !== undefined)).toEqual([false, true, true]);
  });

  it('with secrets and nodes forbidden, pull errors are still read and each missing piece names its permission', async () => {
    const clients = setup(world({ forbidden: ['secrets', 'nodes'] }));
    const kube = facts(await readKubeEvidence(clients, TARGET));
    expect(kube.pods).toHaveLength(1);
    expect(kube.serviceAccounts.state).toBe('ok');
    expect(kube.pullSecrets).toMatchObject({ state: 'failed', failure: { kind: 'forbidden', needs: expect.stringContaining('`list secrets`') } });
    expect(kube.nodes).toMatchObject({ state: 'failed', failure: { kind: 'forbidden', needs: expect.stringContaining('`list nodes`') } });
  });

  it('a private API server goes through run command, and says so', async () => {
    const clients = setup(world({ cluster: { apiServerAccessProfile: { enablePrivateCluster: true, disableRunCommand: false } } }));
    const kube = facts(await readKubeEvidence(clients, { ...TARGET, privateCluster: true }));
    expect(kube).toMatchObject({ via: 'run-command', viaReason: 'the API server is private' });
    expect(kube.pods).toHaveLength(1);
    expect(emulator!.requests.some((r) => /listClusterUserCredential$/i.test(r.path))).toBe(false);
  });

  it('an API server that drops the bot (authorized IP ranges) falls back to run command', async () => {
    const clients = setup(
      world({
        cluster: { apiServerAccessProfile: { enablePrivateCluster: false, disableRunCommand: false, authorizedIPRanges: ['203.0.113.0/24'] } },
      }),
    );
    const kube = facts(await readKubeEvidence(clients, TARGET));
    expect(kube.via).toBe('run-command');
    expect(kube.viaReason).toMatch(/did not answer \(ECONNRESET|socket hang up/i);
    expect(kube.pods).toHaveLength(1);
  });

  it('a local-account cluster is called with the cluster-user kubeconfig’s own credential', async () => {
    const clients = setup(world({ cluster: { aadProfile: undefined, disableLocalAccounts: false } }));
    const kube = facts(await readKubeEvidence(clients, { ...TARGET, aadManaged: false }));
    expect(kube.via).toBe('kubernetes-api');
    expect(kube.pods).toHaveLength(1);
  });
});
