import { workClassOf } from './paced-http-client';

describe('workClassOf', () => {
  const base = 'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks';
  it('paces a run command result as pod-evidence work, its "still running" answers as findings work', () => {
    expect(workClassOf(`${base}/commandResults/abc?api-version=2024-05-01`, 200)).toBe('pods');
    expect(workClassOf(`${base}/commandResults/abc?api-version=2024-05-01`, 202)).toBe('findings');
    expect(workClassOf(`${base}/runCommand?api-version=2024-05-01`, 202)).toBe('findings');
  });

  it('paces every other Azure answer as findings work', () => {
    expect(workClassOf(`${base}?api-version=2024-05-01`, 200)).toBe('findings');
    expect(workClassOf('https://acrdemo.azurecr.io/v2/shop/api/manifests/1.4.3', 404)).toBe('findings');
  });
});
