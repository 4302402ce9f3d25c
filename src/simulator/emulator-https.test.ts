/**
 * The emulator over real HTTPS (self-signed certificate) for another process, and the managed-identity endpoint
 * as @azure/identity uses it.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { ManagedIdentityCredential } from '@azure/identity';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { KUBE_EVIDENCE_COMMAND } from '../azure/kube-command';
import { startEmulator, type ArmEmulator } from './emulator';
import type { World } from './scenario';

const SUB = '11111111-1111-4111-8111-111111111111';
const CLUSTER = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

function world(): World {
  return {
    caller: {
      principalId: 'c0000000-0000-4000-8000-000000000001',
      tenantId: '72f988bf-0000-4000-8000-000000000001',
      clientId: 'cc000000-0000-4000-8000-000000000001',
    },
    subscriptions: [{ subscriptionId: SUB, tenantId: '72f988bf-0000-4000-8000-000000000001', displayName: 'prod' }],
    resources: [
      {
        id: `/subscriptions/${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr`,
        name: 'myacr',
        type: 'Microsoft.ContainerRegistry/registries',
        properties: { loginServer: 'myacr.azurecr.io' },
      },
      {
        id: CLUSTER,
        name: 'aks-prod',
        type: 'Microsoft.ContainerService/ManagedClusters',
        location: 'westeurope',
        properties: { provisioningState: 'Succeeded' },
      },
    ],
    roleAssignments: [],
    kube: {
      [CLUSTER.toLowerCase()]: {
        pods: [
          {
            metadata: { name: 'web-0', namespace: 'web' },
            status: { containerStatuses: [{ name: 'web', image: 'myacr.azurecr.io/web:1', state: { waiting: { reason: 'ErrImagePull' } } }] },
          },
        ],
        events: [],
        nodes: [],
      },
    },
  };
}

/** A CLI-like program in its own process: DefaultAzureCredential + an SDK client, configured by env only. */
const CHILD = `
const { DefaultAzureCredential } = require('@azure/identity');
const { ContainerServiceClient } = require('@azure/arm-containerservice');
(async () => {
  const endpoint = process.env.AZURE_RESOURCE_MANAGER_ENDPOINT;
  const client = new ContainerServiceClient(new DefaultAzureCredential(), '${SUB}', { endpoint, credentials: { scopes: [endpoint + '/.default'] } });
  const cluster = await client.managedClusters.get('rg-prod', 'aks-prod');
  const run = await client.managedClusters.beginRunCommandAndWait('rg-prod', 'aks-prod', { command: ${JSON.stringify(KUBE_EVIDENCE_COMMAND)} }, { updateIntervalInMs: 10 });
  process.stdout.write(JSON.stringify({ name: cluster.name, exitCode: run.exitCode, logs: run.logs }));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(AZURE_|IDENTITY_|MSI_|IMDS_|NODE_EXTRA_CA_CERTS)/.test(key)),
  );
  return { ...inherited, ...extra };
}

let emulator: ArmEmulator;
beforeEach(async () => {
  emulator = await startEmulator({ world: world() });
});
afterEach(async () => {
  await emulator.close();
});

describe('emulator over HTTPS', () => {
  it('serves a CLI in another process through AZURE_RESOURCE_MANAGER_ENDPOINT and the managed-identity endpoint', async () => {
    expect(emulator.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', CHILD],
        { cwd: process.cwd(), env: childEnvironment(emulator.childEnv()), timeout: 25000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      );
    });
    const result = JSON.parse(output) as { name: string; exitCode: number; logs: string };
    expect(result).toMatchObject({ name: 'aks-prod', exitCode: 0 });
    expect(result.logs).toContain('\tweb-0\t');
    const identityCalls = emulator.requests.filter((r) => r.path === '/msi/token');
    expect(identityCalls.length).toBeGreaterThanOrEqual(1);
    expect(identityCalls[0]).toMatchObject({
      method: 'GET',
      host: '127.0.0.1',
      status: 200,
      query: { 'api-version': '2019-08-01', resource: emulator.endpoint },
    });
    expect(emulator.requests.some((r) => r.path === CLUSTER && r.status === 200)).toBe(true);
  }, 30000);

  it('refuses a token request without the identity header', async () => {
    const env = emulator.childEnv();
    const script = `fetch(${JSON.stringify(`${env['IDENTITY_ENDPOINT'] ?? ''}?resource=x&api-version=2019-08-01`)}).then((r) => process.stdout.write(String(r.status)))`;
    const status = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script], { env: childEnvironment(env), timeout: 25000 }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr)) : resolve(stdout),
      );
    });
    expect(status).toBe('401');
  }, 30000);

  it('routes a request whose Host header is a login server to the registry data plane', async () => {
    const env = emulator.childEnv();
    const { port } = new URL(emulator.endpoint);
    const answer = await new Promise<{ status: number; challenge: string }>((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/v2/',
          method: 'GET',
          headers: { host: 'myacr.azurecr.io' },
          servername: 'localhost',
          ca: readFileSync(env['NODE_EXTRA_CA_CERTS'] ?? ''),
        },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, challenge: String(res.headers['www-authenticate'] ?? '') });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 401, challenge: 'Bearer realm="https://myacr.azurecr.io/oauth2/token",service="myacr.azurecr.io"' });
  });

  it('issues tokens to ManagedIdentityCredential in-process (env set for the test only)', async () => {
    const env = emulator.childEnv();
    const saved = { IDENTITY_ENDPOINT: process.env['IDENTITY_ENDPOINT'], IDENTITY_HEADER: process.env['IDENTITY_HEADER'] };
    process.env['IDENTITY_ENDPOINT'] = env['IDENTITY_ENDPOINT'];
    process.env['IDENTITY_HEADER'] = env['IDENTITY_HEADER'];
    try {
      const credential = new ManagedIdentityCredential({ httpClient: emulator.httpClient });
      const client = new ContainerServiceClient(credential, SUB, {
        endpoint: emulator.endpoint,
        credentials: { scopes: [`${emulator.endpoint}/.default`] },
        httpClient: emulator.httpClient,
      });
      expect((await client.managedClusters.get('rg-prod', 'aks-prod')).name).toBe('aks-prod');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
