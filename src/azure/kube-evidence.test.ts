import { PULL_SECRETS_MARKER } from './kube-command';
import { parseKubeOutput } from './kube-evidence';
import { MalformedAnswerError } from './read';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: 'shop', name: 'api-7d9c-abcde' },
  spec: {
    nodeName: 'aks-armpool-1-vmss000000',
    serviceAccountName: 'builder',
    imagePullSecrets: [{ name: 'acr-cred' }],
    nodeSelector: { 'kubernetes.io/arch': 'arm64' },
    initContainers: [{ name: 'migrate', image: 'myacr.azurecr.io/shop/migrate:2' }],
    containers: [{ name: 'api', image: 'myacr.azurecr.io/shop/api:1.4.2' }],
  },
  status: {
    initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 0 } } }],
    containerStatuses: [
      {
        name: 'api',
        state: {
          waiting: {
            reason: 'ErrImagePull',
            message: 'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
          },
        },
      },
    ],
  },
};
const event = {
  kind: 'Event',
  metadata: { namespace: 'shop', name: 'api.17f' },
  involvedObject: { kind: 'Pod', name: 'api-7d9c-abcde', namespace: 'shop' },
  reason: 'Failed',
  message: 'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": 401 Unauthorized',
  count: 4,
  lastTimestamp: '2026-11-28T11:59:00Z',
};
const node = { kind: 'Node', metadata: { name: 'aks-armpool-1-vmss000000', labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'arm64', 'kubernetes.azure.com/agentpool': 'armpool' } } };
const sa = { kind: 'ServiceAccount', metadata: { namespace: 'shop', name: 'builder' }, imagePullSecrets: [{ name: 'acr-cred' }] };

function output(items: unknown[], secrets = 'shop   acr-cred\nweb old-cred\n'): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n${PULL_SECRETS_MARKER}\n${secrets}`;
}

describe('parseKubeOutput', () => {
  it('reads pods, containers with waiting reasons, events, nodes, service accounts and pull secrets', () => {
    const facts = parseKubeOutput(output([pod, event, node, sa]));
    expect(facts.via).toBe('run-command');
    expect(facts.pods).toEqual([
      {
        namespace: 'shop',
        name: 'api-7d9c-abcde',
        nodeName: 'aks-armpool-1-vmss000000',
        serviceAccountName: 'builder',
        imagePullSecrets: ['acr-cred'],
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        containers: [
          { name: 'migrate', image: 'myacr.azurecr.io/shop/migrate:2', kind: 'init' },
          {
            name: 'api',
            image: 'myacr.azurecr.io/shop/api:1.4.2',
            kind: 'container',
            waitingReason: 'ErrImagePull',
            waitingMessage: 'failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
          },
        ],
      },
    ]);
    expect(facts.events).toEqual([
      { namespace: 'shop', involvedKind: 'Pod', involvedName: 'api-7d9c-abcde', reason: 'Failed', message: event.message, count: 4, lastTimestamp: '2026-11-28T11:59:00Z' },
    ]);
    expect(facts.nodes).toEqual([{ name: 'aks-armpool-1-vmss000000', os: 'linux', arch: 'arm64', agentPool: 'armpool' }]);
    expect(facts.serviceAccounts).toEqual([{ namespace: 'shop', name: 'builder', imagePullSecrets: ['acr-cred'] }]);
    expect(facts.pullSecrets).toEqual([
      { namespace: 'shop', name: 'acr-cred' },
      { namespace: 'web', name: 'old-cred' },
    ]);
  });

  it('accepts an empty cluster and output without the secrets part', () => {
    expect(parseKubeOutput(output([], ''))).toMatchObject({ pods: [], events: [], nodes: [], pullSecrets: [] });
    expect(parseKubeOutput(JSON.stringify({ kind: 'List', items: [node] })).nodes).toHaveLength(1);
  });

  it('ignores kinds it does not use and tolerates missing fields', () => {
    const facts = parseKubeOutput(output([{ kind: 'ConfigMap' }, { kind: 'Pod', metadata: { name: 'bare' } }]));
    expect(facts.pods).toEqual([{ namespace: 'default', name: 'bare', imagePullSecrets: [], containers: [] }]);
  });

  it('refuses output that is not the command’s (truncated JSON, an error text, no items)', () => {
    const full = output([pod]);
    expect(() => parseKubeOutput(full.slice(0, 200))).toThrow(MalformedAnswerError);
    expect(() => parseKubeOutput('error: You must be logged in to the server (Unauthorized)')).toThrow(MalformedAnswerError);
    expect(() => parseKubeOutput('{"kind":"List"}')).toThrow(MalformedAnswerError);
  });
});
