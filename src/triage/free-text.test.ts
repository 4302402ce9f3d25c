import { findRefsInText } from './free-text';
import { parseTarget } from './target';

const SUB = '11111111-1111-1111-1111-111111111111';
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const CLUSTER_ID = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod`;
const REGISTRY_ID = `/subscriptions/${SUB}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr`;
const PORTAL = 'https://portal.azure.com/#@contoso.onmicrosoft.com/resource';

describe('findRefsInText', () => {
  const portalCluster = `${PORTAL}${CLUSTER_ID}/overview`;
  const sentences: [string, { cluster?: string; registry?: string }][] = [
    ["pods on aks-prod can't pull from myacr", { cluster: 'aks-prod', registry: 'myacr' }],
    ["pods on aks-prod can't pull from myacr.", { cluster: 'aks-prod', registry: 'myacr' }],
    ['check aks-prod myacr.azurecr.io/team/app:1.2', { cluster: 'aks-prod', registry: 'myacr.azurecr.io/team/app:1.2' }],
    ['check prod-weu-01 contosoregistry', { cluster: 'prod-weu-01', registry: 'contosoregistry' }],
    ['ImagePullBackOff on rg-prod/aks-prod from myacr', { cluster: 'rg-prod/aks-prod', registry: 'myacr' }],
    [`${portalCluster} can't pull from myacr`, { cluster: portalCluster, registry: 'myacr' }],
    [`<${portalCluster}|aks-prod> cannot pull from myacr`, { cluster: portalCluster, registry: 'myacr' }],
    [`is ${CLUSTER_ID} allowed to pull from registry shopregistry?`, { cluster: CLUSTER_ID, registry: 'shopregistry' }],
    [`${REGISTRY_ID} refuses pulls from aks-shop`, { cluster: 'aks-shop', registry: REGISTRY_ID }],
    ["our cluster 'aks-dev' gets ErrImagePull from ghcr.io/org/app:1.0", { cluster: 'aks-dev', registry: 'ghcr.io/org/app:1.0' }],
    [
      `image pull failing for contoso.azurecr.io/shop/api@${DIGEST} on aks-shop`,
      { cluster: 'aks-shop', registry: `contoso.azurecr.io/shop/api@${DIGEST}` },
    ],
    ['cluster prod-weu-01 fails to pull from registry contosoregistry', { cluster: 'prod-weu-01', registry: 'contosoregistry' }],
    ['aks-prod cannot reach myacr.azurecr.io', { cluster: 'aks-prod', registry: 'myacr.azurecr.io' }],
    ['pods in namespace shop on aks-prod are stuck pulling nginx:1.27', { cluster: 'aks-prod', registry: 'nginx:1.27' }],
    ['Hey @triage, is acrshared broken for aks-blue?', { cluster: 'aks-blue', registry: 'acrshared' }],
    ['`myacr.azurecr.io/api:v1` fails on the cluster aks-payments', { cluster: 'aks-payments', registry: 'myacr.azurecr.io/api:v1' }],
    ['why does aks-prod say 401 for teamacr', { cluster: 'aks-prod', registry: 'teamacr' }],
    [
      'aks-prod: Failed to pull image "acrdemo.azurecr.io/shop/api:1.4.2": 401',
      { cluster: 'aks-prod', registry: 'acrdemo.azurecr.io/shop/api:1.4.2' },
    ],
    ['node aks-nodepool1-12345678-vmss000000 cannot pull from myacr', { registry: 'myacr' }],
    ['help', {}],
    ["pods can't pull images", {}],
    ['check again', {}],
  ];
  it('has at least 15 sentences', () => expect(sentences.length).toBeGreaterThanOrEqual(15));
  it.each(sentences)('%s', (text, expected) => {
    expect(findRefsInText(text)).toEqual(expected);
  });
  it('proposes strings the parsers accept for the plain cases', () => {
    const found = findRefsInText("pods on aks-prod can't pull from myacr.azurecr.io/team/app:1.2");
    expect(parseTarget({ cluster: found.cluster ?? '', registry: found.registry ?? '' }).image?.repository).toBe('team/app');
  });
  it('does not crash or hang on a huge paste', () => {
    const started = Date.now();
    expect(findRefsInText(`${'x'.repeat(100_000)} on aks-prod`)).toEqual({});
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
