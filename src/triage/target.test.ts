import { HOSTILE_REFS } from '../../test/fixtures/hostile-refs';
import { TargetError, type ClusterRef, type ImageRef, type RegistryRef } from './refs';
import { parseClusterRef, parseRegistryRef, parseTarget } from './target';
import { parseImageRef } from './image-ref';
import { parseSubscriptionId } from './ref-input';

const SUB = '11111111-1111-1111-1111-111111111111';
const SUB_UPPER = 'ABCDEF01-2345-6789-ABCD-EF0123456789';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr`;
const PORTAL = 'https://portal.azure.com/#@contoso.onmicrosoft.com/resource';

function errorOf(run: () => unknown): TargetError {
  try {
    run();
  } catch (e) {
    if (e instanceof TargetError) return e;
    throw new Error(`expected a TargetError, got ${String(e)}`);
  }
  throw new Error('expected a TargetError, but the input was accepted');
}

describe('hostile and malformed refs', () => {
  it('has a table of at least 40 cases', () => {
    expect(HOSTILE_REFS.length).toBeGreaterThanOrEqual(40);
  });

  const parserFor = {
    cluster: parseClusterRef,
    registry: parseRegistryRef,
    image: parseRegistryRef,
    subscription: parseSubscriptionId,
  } as const;

  it.each(HOSTILE_REFS.map((h) => [h.why, h] as const))('%s is refused', (_why, h) => {
    const error = errorOf(() => parserFor[h.part](h.input));
    expect(error.part).toBe(h.part);
    expect(error.code).toBe('InvalidTarget');
    expect(error.message).toContain(h.messageIncludes);
  });

  it.each(HOSTILE_REFS.filter((h) => h.part === 'image').map((h) => [h.why, h] as const))('parseImageRef refuses %s the same way', (_why, h) => {
    const error = errorOf(() => parseImageRef(h.input));
    expect(error.part).toBe('image');
    expect(error.message).toContain(h.messageIncludes);
  });

  it('never echoes an invisible character back into a message', () => {
    const error = errorOf(() => parseClusterRef('aks\u200Bprod'));
    expect(error.message).not.toContain('\u200B');
    expect(error.message).toContain('"aks\\u200Bprod"');
  });

  it('shortens a long value in the message', () => {
    const error = errorOf(() => parseClusterRef(`${'a'.repeat(200)}'`));
    expect(error.message.length).toBeLessThan(400);
  });
});

describe('valid cluster refs', () => {
  const cases: [string, ClusterRef][] = [
    ['aks-prod', { kind: 'name', name: 'aks-prod' }],
    ['  aks-prod  ', { kind: 'name', name: 'aks-prod' }],
    ['a', { kind: 'name', name: 'a' }],
    ['AKS_Prod-01', { kind: 'name', name: 'AKS_Prod-01' }],
    ['c'.repeat(63), { kind: 'name', name: 'c'.repeat(63) }],
    ['rg-prod/aks-prod', { kind: 'name', name: 'aks-prod', resourceGroup: 'rg-prod' }],
    ['rg.(prod)_1/aks', { kind: 'name', name: 'aks', resourceGroup: 'rg.(prod)_1' }],
    ['rg-münchen/aks', { kind: 'name', name: 'aks', resourceGroup: 'rg-münchen' }],
    ['группа/aks', { kind: 'name', name: 'aks', resourceGroup: 'группа' }],
    [`${'g'.repeat(90)}/aks`, { kind: 'name', name: 'aks', resourceGroup: 'g'.repeat(90) }],
    [CLUSTER_ID, { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' }],
    [`${CLUSTER_ID}/`, { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' }],
    [
      `/SUBSCRIPTIONS/${SUB_UPPER}/resourcegroups/rg-prod/providers/microsoft.containerservice/MANAGEDCLUSTERS/aks-prod`,
      { kind: 'id', subscriptionId: SUB_UPPER.toLowerCase(), resourceGroup: 'rg-prod', name: 'aks-prod' },
    ],
    [`${PORTAL}${CLUSTER_ID}/overview`, { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' }],
    [
      `https://portal.azure.us/#@contoso.onmicrosoft.us/resource${CLUSTER_ID}/workloads`,
      { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' },
    ],
    [`https://portal.azure.cn/#resource${CLUSTER_ID}`, { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' }],
    [
      `https://ms.portal.azure.com/#view/resource${CLUSTER_ID}/overview?tab=json`,
      { kind: 'id', subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'aks-prod' },
    ],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(parseClusterRef(input)).toEqual(expected);
  });
});

describe('valid registry refs', () => {
  const acrHost = (host: string, loginServer = host, nameHint = host.split('.')[0] ?? ''): RegistryRef => ({
    kind: 'acr-host',
    host,
    loginServer,
    nameHint,
    suffix: 'azurecr.io',
  });
  const cases: [string, RegistryRef, ImageRef?][] = [
    ['myacr', { kind: 'acr-name', name: 'myacr' }],
    ['MyACR', { kind: 'acr-name', name: 'myacr' }],
    ['acr12', { kind: 'acr-name', name: 'acr12' }],
    ['r'.repeat(50), { kind: 'acr-name', name: 'r'.repeat(50) }],
    ['myacr.azurecr.io', acrHost('myacr.azurecr.io')],
    ['MyACR.AzureCR.io', acrHost('myacr.azurecr.io')],
    ['https://myacr.azurecr.io/', acrHost('myacr.azurecr.io')],
    ['myacr.westeurope.data.azurecr.io', acrHost('myacr.westeurope.data.azurecr.io', 'myacr.azurecr.io', 'myacr')],
    ['myacr.eastus2.geo.azurecr.io', acrHost('myacr.eastus2.geo.azurecr.io', 'myacr.azurecr.io', 'myacr')],
    ['myacr-a1b2c3d4e5f6.azurecr.io', acrHost('myacr-a1b2c3d4e5f6.azurecr.io')],
    [
      'govacr.azurecr.us',
      { kind: 'acr-host', host: 'govacr.azurecr.us', loginServer: 'govacr.azurecr.us', nameHint: 'govacr', suffix: 'azurecr.us' },
    ],
    [
      'chinaacr.azurecr.cn',
      { kind: 'acr-host', host: 'chinaacr.azurecr.cn', loginServer: 'chinaacr.azurecr.cn', nameHint: 'chinaacr', suffix: 'azurecr.cn' },
    ],
    [REGISTRY_ID, { kind: 'acr-id', subscriptionId: SUB, resourceGroup: 'rg-acr', name: 'myacr' }],
    [`${REGISTRY_ID.replace('myacr', 'MyACR')}/`, { kind: 'acr-id', subscriptionId: SUB, resourceGroup: 'rg-acr', name: 'myacr' }],
    [`${PORTAL}${REGISTRY_ID}/overview`, { kind: 'acr-id', subscriptionId: SUB, resourceGroup: 'rg-acr', name: 'myacr' }],
    [
      'myacr.azurecr.io/team/app:1.2',
      acrHost('myacr.azurecr.io'),
      { raw: 'myacr.azurecr.io/team/app:1.2', host: 'myacr.azurecr.io', repository: 'team/app', tag: '1.2' },
    ],
    [
      `myacr.azurecr.io/team/app@${DIGEST}`,
      acrHost('myacr.azurecr.io'),
      { raw: `myacr.azurecr.io/team/app@${DIGEST}`, host: 'myacr.azurecr.io', repository: 'team/app', digest: DIGEST },
    ],
    [
      `myacr.azurecr.io/a/b/c_d.e__f--g:v1.0-rc_1@${DIGEST}`,
      acrHost('myacr.azurecr.io'),
      {
        raw: `myacr.azurecr.io/a/b/c_d.e__f--g:v1.0-rc_1@${DIGEST}`,
        host: 'myacr.azurecr.io',
        repository: 'a/b/c_d.e__f--g',
        tag: 'v1.0-rc_1',
        digest: DIGEST,
      },
    ],
    [
      'myacr.westeurope.data.azurecr.io/app:1',
      acrHost('myacr.westeurope.data.azurecr.io', 'myacr.azurecr.io', 'myacr'),
      { raw: 'myacr.westeurope.data.azurecr.io/app:1', host: 'myacr.westeurope.data.azurecr.io', repository: 'app', tag: '1' },
    ],
    ['nginx:1.27', { kind: 'external', host: 'docker.io' }, { raw: 'nginx:1.27', host: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis', { kind: 'external', host: 'docker.io' }, { raw: 'bitnami/redis', host: 'docker.io', repository: 'bitnami/redis' }],
    ['docker.io/nginx', { kind: 'external', host: 'docker.io' }, { raw: 'docker.io/nginx', host: 'docker.io', repository: 'library/nginx' }],
    ['ghcr.io/org/app:v2', { kind: 'external', host: 'ghcr.io' }, { raw: 'ghcr.io/org/app:v2', host: 'ghcr.io', repository: 'org/app', tag: 'v2' }],
    [
      'mcr.microsoft.com/oss/nginx/nginx:1.25',
      { kind: 'external', host: 'mcr.microsoft.com' },
      { raw: 'mcr.microsoft.com/oss/nginx/nginx:1.25', host: 'mcr.microsoft.com', repository: 'oss/nginx/nginx', tag: '1.25' },
    ],
    [
      'registry.example.com:5000/team/app:1',
      { kind: 'external', host: 'registry.example.com:5000' },
      { raw: 'registry.example.com:5000/team/app:1', host: 'registry.example.com:5000', repository: 'team/app', tag: '1' },
    ],
    ['localhost:5000/app', { kind: 'external', host: 'localhost:5000' }, { raw: 'localhost:5000/app', host: 'localhost:5000', repository: 'app' }],
    [
      '[fd00::1]:5000/app:1',
      { kind: 'external', host: '[fd00::1]:5000' },
      { raw: '[fd00::1]:5000/app:1', host: '[fd00::1]:5000', repository: 'app', tag: '1' },
    ],
    ['docker.io', { kind: 'external', host: 'docker.io' }],
    ['quay.io', { kind: 'external', host: 'quay.io' }],
    ['registry.example.com:5000', { kind: 'external', host: 'registry.example.com:5000' }],
    ['10.1.2.3:5000', { kind: 'external', host: '10.1.2.3:5000' }],
  ];
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  // Rows are made uniform here: jest would take a missing third column for a `done` callback.
  const rows = cases.map(([input, registry, image]) => [input, image === undefined ? { registry } : { registry, image }] as const);
  it.each(rows)('%s', (input, expected) => {
    expect(parseRegistryRef(input)).toEqual(expected);
  });
});

describe('parseImageRef', () => {
  it('reads a bare name as a docker.io library image without inventing a tag', () => {
    expect(parseImageRef('busybox')).toEqual({ raw: 'busybox', host: 'docker.io', repository: 'library/busybox' });
  });
  it('normalises the docker.io aliases and lowercases the host', () => {
    expect(parseImageRef('index.docker.io/library/nginx:1')).toMatchObject({ host: 'docker.io', repository: 'library/nginx' });
    expect(parseImageRef('MyACR.azurecr.io/app:1')).toMatchObject({ host: 'myacr.azurecr.io', raw: 'MyACR.azurecr.io/app:1' });
  });
  it('accepts a 128-character tag and refuses 129', () => {
    expect(parseImageRef(`myacr.azurecr.io/app:${'t'.repeat(128)}`).tag).toHaveLength(128);
    expect(errorOf(() => parseImageRef(`myacr.azurecr.io/app:${'t'.repeat(129)}`)).part).toBe('image');
  });
  it('refuses a URL written as an image', () => {
    expect(errorOf(() => parseImageRef('https://myacr.azurecr.io/app:1')).message).toContain('has a URL scheme');
  });
});

describe('parseSubscriptionId', () => {
  it('lowercases a GUID', () => {
    expect(parseSubscriptionId(` ${SUB_UPPER} `)).toBe(SUB_UPPER.toLowerCase());
  });
});

describe('parseTarget', () => {
  it('parses all three parts and carries the image', () => {
    expect(parseTarget({ cluster: 'rg-prod/aks-prod', registry: 'myacr.azurecr.io/team/app:1.2', subscription: SUB_UPPER })).toEqual({
      cluster: { kind: 'name', name: 'aks-prod', resourceGroup: 'rg-prod' },
      registry: { kind: 'acr-host', host: 'myacr.azurecr.io', loginServer: 'myacr.azurecr.io', nameHint: 'myacr', suffix: 'azurecr.io' },
      image: { raw: 'myacr.azurecr.io/team/app:1.2', host: 'myacr.azurecr.io', repository: 'team/app', tag: '1.2' },
      subscriptionId: SUB_UPPER.toLowerCase(),
    });
  });
  it('leaves out what was not given', () => {
    expect(parseTarget({ cluster: 'aks-prod', registry: 'myacr' })).toEqual({
      cluster: { kind: 'name', name: 'aks-prod' },
      registry: { kind: 'acr-name', name: 'myacr' },
    });
  });
  it('names the part that is wrong', () => {
    expect(errorOf(() => parseTarget({ cluster: 'aks-prod', registry: 'my_acr' })).part).toBe('registry');
    expect(errorOf(() => parseTarget({ cluster: 'aks prod', registry: 'myacr' })).part).toBe('cluster');
    expect(errorOf(() => parseTarget({ cluster: 'aks-prod', registry: 'myacr', subscription: 'x' })).part).toBe('subscription');
  });
});
