import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderKubeEvidence } from '../simulator/kube-render';
import type { KubeState } from '../simulator/scenario';
import { KUBE_EVIDENCE_COMMAND, RUN_COMMAND_OUTPUT_CAP } from './kube-command';
import { KubeSectionError, parseKubeOutput, unquoteGo } from './kube-output';
import { MalformedAnswerError } from './read';

/**
 * kubectl-evidence.txt is what kubectl v1.32.4 printed for KUBE_EVIDENCE_COMMAND against a stub API server
 * serving exactly `STATE` below (secrets answered 403 Forbidden). The emulator must print the same bytes.
 */
const KUBECTL_OUTPUT = readFileSync(join(__dirname, 'testdata', 'kubectl-evidence.txt'), 'utf8');
const BOT = '9d1c0000-0000-4000-8000-000000000b07';

const STATE: KubeState = {
  pods: [
    {
      metadata: { name: 'api-1', namespace: 'shop' },
      spec: {
        nodeName: 'n1',
        serviceAccountName: 'builder',
        imagePullSecrets: [{ name: 'acr-cred' }],
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        containers: [{ name: 'api', image: 'myacr.azurecr.io/a:1' }],
      },
      status: {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'm', image: 'x', state: { terminated: { exitCode: 0 } } }],
        containerStatuses: [
          { name: 'api', image: 'myacr.azurecr.io/a:1', state: { waiting: { reason: 'ErrImagePull', message: 'failed "q"\ttab\u0007 é' } } },
        ],
      },
    },
    {
      metadata: { name: 'ok', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'c', image: 'i', state: { running: {} } }] },
    },
    {
      metadata: { name: 'creating', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'c', image: 'i', state: { waiting: { reason: 'ContainerCreating' } } }] },
    },
    { metadata: { name: 'nomsg', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'bad image' }] }, status: { phase: 'Pending' } },
    {
      metadata: { name: 'nomsg2', namespace: 'd' },
      spec: { containers: [{ name: 'c', image: 'bad image' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'c', image: 'bad image', state: { waiting: { reason: 'InvalidImageName' } } }] },
    },
  ],
  events: [
    {
      metadata: { name: 'e', namespace: 'shop' },
      type: 'Warning',
      involvedObject: { kind: 'Pod', name: 'api-1' },
      reason: 'Failed',
      message: 'Failed to pull "x"',
      count: 3,
      lastTimestamp: '2026-11-28T11:59:00Z',
    },
    {
      metadata: { name: 'e2', namespace: 'shop' },
      type: 'Warning',
      involvedObject: { kind: 'Pod', name: 'api-1' },
      reason: 'FailedToRetrieveImagePullSecret',
      message: 'Unable to retrieve some image pull secrets (old-cred); attempting to pull the image may not succeed.',
      lastTimestamp: null,
    },
    {
      metadata: { name: 'e3', namespace: 'shop' },
      type: 'Warning',
      involvedObject: { kind: 'Pod', name: 'ok' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
    },
  ],
  nodes: [
    {
      metadata: { name: 'n1', labels: { 'kubernetes.azure.com/agentpool': 'armpool' } },
      status: { nodeInfo: { operatingSystem: 'linux', architecture: 'arm64' } },
    },
    { metadata: { name: 'n2' }, status: { nodeInfo: { operatingSystem: 'linux', architecture: 'amd64' } } },
  ],
  serviceAccounts: [
    { metadata: { name: 'default', namespace: 'shop' } },
    { metadata: { name: 'builder', namespace: 'shop' }, imagePullSecrets: [{ name: 'acr-cred' }, { name: 'b' }] },
  ],
  forbidden: ['secrets'],
};

describe('run-command pod evidence', () => {
  it('the emulator prints what kubectl printed for the same objects', () => {
    expect(renderKubeEvidence(STATE, BOT)).toBe(KUBECTL_OUTPUT);
  });

  it('reads only pods waiting on a pull, their pods’ pull secrets and node, pull events, nodes and service accounts', () => {
    const facts = parseKubeOutput(KUBECTL_OUTPUT);
    expect(facts.via).toBe('run-command');
    expect(facts.podCount).toBe(5);
    expect(facts.pods).toEqual([
      {
        namespace: 'shop',
        name: 'api-1',
        nodeName: 'n1',
        serviceAccountName: 'builder',
        imagePullSecrets: ['acr-cred'],
        nodeSelector: { 'kubernetes.io/arch': 'arm64' },
        containers: [
          { name: 'api', image: 'myacr.azurecr.io/a:1', kind: 'container', waitingReason: 'ErrImagePull', waitingMessage: 'failed "q"\ttab\u0007 é' },
        ],
      },
      {
        namespace: 'd',
        name: 'nomsg2',
        imagePullSecrets: [],
        containers: [{ name: 'c', image: 'bad image', kind: 'container', waitingReason: 'InvalidImageName' }],
      },
    ]);
    expect(facts.events).toEqual({
      state: 'ok',
      value: [
        {
          namespace: 'shop',
          involvedKind: 'Pod',
          involvedName: 'api-1',
          reason: 'Failed',
          message: 'Failed to pull "x"',
          count: 3,
          lastTimestamp: '2026-11-28T11:59:00Z',
        },
        {
          namespace: 'shop',
          involvedKind: 'Pod',
          involvedName: 'api-1',
          reason: 'FailedToRetrieveImagePullSecret',
          message: STATE.events[1]!['message'],
        },
      ],
    });
    expect(facts.nodes).toEqual({
      state: 'ok',
      value: [
        { name: 'n1', os: 'linux', arch: 'arm64', agentPool: 'armpool' },
        { name: 'n2', os: 'linux', arch: 'amd64' },
      ],
    });
    expect(facts.serviceAccounts).toEqual({ state: 'ok', value: [{ namespace: 'shop', name: 'builder', imagePullSecrets: ['acr-cred', 'b'] }] });
  });

  it('a Forbidden query fails alone and names the Kubernetes permission; the rest is still read', () => {
    const facts = parseKubeOutput(renderKubeEvidence({ ...STATE, forbidden: ['secrets', 'nodes'] }, BOT));
    expect(facts.pods).toHaveLength(2);
    expect(facts.events.state).toBe('ok');
    for (const piece of [facts.pullSecrets, facts.nodes]) {
      expect(piece).toMatchObject({ state: 'failed', failure: { kind: 'forbidden', code: 'Forbidden' } });
    }
    expect(facts.pullSecrets.state === 'failed' && facts.pullSecrets.failure.needs).toContain('`list secrets`');
    expect(facts.nodes.state === 'failed' && facts.nodes.failure.needs).toContain('`list nodes`');
  });

  it('pods forbidden is no pod evidence at all, with the permission', () => {
    let thrown: unknown;
    try {
      parseKubeOutput(renderKubeEvidence({ ...STATE, forbidden: ['pods'] }, BOT));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KubeSectionError);
    expect((thrown as KubeSectionError).failure).toMatchObject({ kind: 'forbidden', needs: expect.stringContaining('`list pods`') });
  });

  it('output cut at 512 KiB loses only the sections it cut, and says why', () => {
    const noisy = Array.from({ length: 6000 }, (_, i) => ({
      metadata: { name: `e${i}`, namespace: 'shop' },
      type: 'Warning',
      involvedObject: { kind: 'Pod', name: `p${i}` },
      reason: 'Failed',
      message: `Failed to pull image "myacr.azurecr.io/a:${i}": ${'x'.repeat(100)}`,
    }));
    const logs = renderKubeEvidence({ ...STATE, events: noisy }, BOT);
    expect(Buffer.byteLength(logs)).toBe(RUN_COMMAND_OUTPUT_CAP);
    const facts = parseKubeOutput(logs);
    expect(facts.pods).toHaveLength(2);
    expect(facts.nodes.state).toBe('ok');
    expect(facts.events).toMatchObject({ state: 'failed', failure: { message: expect.stringContaining('512 KiB') } });
  });

  it('refuses output that is not the command’s', () => {
    expect(() => parseKubeOutput('error: You must be logged in to the server (Unauthorized)')).toThrow(MalformedAnswerError);
    expect(() => parseKubeOutput(KUBECTL_OUTPUT.slice(0, 30))).toThrow();
  });

  it('decodes Go %q strings, and every query runs on its own', () => {
    expect(unquoteGo('"a\\"b\\\\c\\t\\x41\\u00e9\\U0001F600"')).toBe('a"b\\c\tAé😀');
    expect(unquoteGo('not quoted')).toBeUndefined();
    expect(KUBE_EVIDENCE_COMMAND).not.toContain('&&');
  });
});
