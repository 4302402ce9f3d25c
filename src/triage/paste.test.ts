import { CHECK_ACR, DESCRIBE_POD, GET_EVENTS, KUBELET_EVENT } from '../../test/fixtures/pastes';
import { cleanPaste, EXCERPT_LENGTH, readPaste, registryRefOf } from './paste';
import { parseClusterRef, parseRegistryRef } from './target';

const SUB = '11111111-1111-1111-1111-111111111111';
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;

describe('readPaste', () => {
  it('reads a person\'s words even when a name contains "kubelet" (aks-old-kubelet is a cluster, not tool output)', () => {
    expect(readPaste('check aks-old-kubelet acrdemo').refs).toEqual({ cluster: 'aks-old-kubelet', registry: 'acrdemo' });
  });

  it('reads the kubelet event: the quoted image without its quote and colon, and what the error means', () => {
    const { refs, errors } = readPaste(KUBELET_EVENT);
    expect(refs).toEqual({ registry: 'acrdemo.azurecr.io', image: 'acrdemo.azurecr.io/shop/api:1.4.2' });
    expect(parseRegistryRef(registryRefOf(refs) ?? '').image?.tag).toBe('1.4.2');
    expect(errors.map((e) => e.class)).toEqual(['unauthorized']);
    expect(errors[0]?.checks[0]).toBe('rbac.pull-role');
  });

  it('reads kubectl describe pod: namespace, pod, image; the node is not the cluster', () => {
    const { refs, errors } = readPaste(DESCRIBE_POD);
    expect(refs).toEqual({
      registry: 'acrdemo.azurecr.io',
      image: 'acrdemo.azurecr.io/shop/api:1.4.2',
      namespace: 'shop',
      pod: 'api-7d9c5b6f4-x2kqp',
    });
    expect(errors.map((e) => e.class)).toEqual(['unauthorized']);
  });

  it('reads kubectl get events -A lines', () => {
    const { refs, errors } = readPaste(GET_EVENTS);
    expect(refs).toEqual({
      registry: 'acrdemo.azurecr.io',
      image: 'acrdemo.azurecr.io/payments/ledger:2.0.1',
      namespace: 'payments',
      pod: 'ledger-5f7b9c-abcde',
    });
    expect(errors.map((e) => e.class)).toEqual(['platform']);
  });

  it('reads az aks check-acr output with its colours and timestamps, and the command line above it', () => {
    const { refs, errors } = readPaste(CHECK_ACR);
    expect(refs).toEqual({ cluster: 'rg-aks-missing-role/aks-missing-role', registry: 'acrdemo.azurecr.io' });
    expect(errors[0]).toMatchObject({ class: 'unauthorized' });
    expect(errors[0]?.checks[0]).toBe('rbac.pull-role');
    expect(JSON.stringify(errors)).not.toContain('\u001b');
  });

  it('reads the registry from a successful check-acr run', () => {
    expect(readPaste('[2026-12-03T16:36:36Z] Your cluster can pull images from acrdemo.azurecr.io!').refs).toEqual({
      registry: 'acrdemo.azurecr.io',
    });
  });

  it('keeps the prose around a paste: the cluster named in words, the image from the event', () => {
    const { refs } = readPaste(`pods on aks-prod are stuck, kubectl says:\n${KUBELET_EVENT}`);
    expect(refs.cluster).toBe('aks-prod');
    expect(refs.image).toBe('acrdemo.azurecr.io/shop/api:1.4.2');
  });

  it('reads the words before a kubelet message on the same line', () => {
    expect(readPaste(`check aks-prod ${KUBELET_EVENT}`).refs).toMatchObject({ cluster: 'aks-prod', image: 'acrdemo.azurecr.io/shop/api:1.4.2' });
    expect(readPaste(`aks-prod: ${KUBELET_EVENT}`).refs.cluster).toBe('aks-prod');
  });

  it('reads a portal URL and an ARM id of the cluster', () => {
    expect(readPaste(`https://portal.azure.com/#@contoso.onmicrosoft.com/resource${CLUSTER_ID}/overview can't pull from myacr`).refs).toMatchObject({
      cluster: `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${CLUSTER_ID}/overview`,
      registry: 'myacr',
    });
    const { refs } = readPaste(`${CLUSTER_ID}\n${KUBELET_EVENT}`);
    expect(parseClusterRef(refs.cluster ?? '')).toMatchObject({ kind: 'id', name: 'aks-prod' });
  });

  it('names the cluster from the node resource group when it is unambiguous', () => {
    expect(readPaste('--azure-resource-group=MC_rg-prod_aks-prod_westeurope').refs.cluster).toBe('rg-prod/aks-prod');
  });

  it('reads what Teams sends (HTML, entities) and what Slack sends (escaped <, >, &)', () => {
    const html = `<p>aks-prod:</p><pre>Failed to pull image &quot;acrdemo.azurecr.io/shop/api:1.4.2&quot;: 401 Unauthorized</pre>`;
    expect(readPaste(html).refs).toMatchObject({ cluster: 'aks-prod', image: 'acrdemo.azurecr.io/shop/api:1.4.2' });
    expect(cleanPaste('a &lt;b&gt; &amp; c')).toBe('a <b> & c');
  });

  it('puts the error that explains the pull first and lists each class once', () => {
    const text = `Unable to retrieve some image pull secrets (acr-cred); attempting to pull the image may not succeed.\n${KUBELET_EVENT}\n${KUBELET_EVENT}`;
    expect(readPaste(text).errors.map((e) => e.class)).toEqual(['unauthorized', 'pull-secret-missing']);
  });

  it('classifies a message wrapped over lines as a whole', () => {
    expect(readPaste('failed to fetch anonymous token: unexpected status:\n403 Forbidden').errors.map((e) => e.class)).toEqual(['forbidden']);
  });

  it('finds nothing in a greeting', () => {
    expect(readPaste('hello there')).toEqual({ refs: {}, errors: [] });
  });
});

describe('hostile pastes', () => {
  const huge: [string, string][] = [
    ['100 KB of one event repeated', `${KUBELET_EVENT}\n`.repeat(Math.ceil(100_000 / KUBELET_EVENT.length))],
    ['100 KB of "lookup " without an answer', `${'lookup '.repeat(15_000)}x`],
    ['100 KB of quotes', '"'.repeat(100_000)],
    ['an unterminated quoted image', `Failed to pull image "${'a'.repeat(100_000)}`],
    ['100 KB of chained rpc errors', `[${'rpc error: code = Unknown desc = x, '.repeat(3_000)}]`],
    ['100 KB of nested tags', '<p>'.repeat(33_000)],
    ['100 KB of az arguments', `az aks ${'-n '.repeat(33_000)}`],
    ['100 KB of "at x:1:" (stack-trace look-alike)', 'at x:1:'.repeat(15_000)],
    ['100 KB of kubectl -n', `kubectl ${' -n'.repeat(33_000)}`],
    ['100 KB of dial tcp', 'dial tcp '.repeat(12_000)],
  ];
  it.each(huge)('%s is read within the turn and quoted only in excerpts', (_name, text) => {
    expect(text.length).toBeGreaterThanOrEqual(99_000);
    const started = process.hrtime.bigint();
    const reading = readPaste(text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(ms).toBeLessThan(1_500);
    for (const e of reading.errors) expect(e.excerpt.length).toBeLessThanOrEqual(EXCERPT_LENGTH);
    expect(JSON.stringify(reading).length).toBeLessThan(5_000);
  });
});
