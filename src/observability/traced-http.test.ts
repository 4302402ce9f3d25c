import { operationName } from './traced-http';

describe('operationName', () => {
  it('names ARM requests after the resource type, nested types and registry-scoped providers included', () => {
    const arm = 'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers';
    expect(operationName('GET', new URL(`${arm}/Microsoft.ContainerService/managedClusters/aks-prod?api-version=2024-05-01`))).toBe(
      'GET Microsoft.ContainerService/managedClusters',
    );
    expect(operationName('POST', new URL(`${arm}/Microsoft.ContainerService/managedClusters/aks-prod/runCommand?api-version=1`))).toBe(
      'POST Microsoft.ContainerService/managedClusters/runCommand',
    );
    expect(
      operationName(
        'PUT',
        new URL(`${arm}/Microsoft.ContainerRegistry/registries/acr/providers/Microsoft.Authorization/roleAssignments/0000?api-version=1`),
      ),
    ).toBe('PUT Microsoft.Authorization/roleAssignments');
  });

  it('names other hosts by host only: no path segments (repository names) and never the query (SAS signatures)', () => {
    expect(operationName('GET', new URL('https://acrdemo.azurecr.io/v2/shop/api/manifests/1.4.3'))).toBe('GET acrdemo.azurecr.io');
    expect(operationName('GET', new URL('https://st.blob.core.windows.net/c/b?sig=secret'))).toBe('GET st.blob.core.windows.net');
  });
});
