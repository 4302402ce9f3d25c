import type { TokenCredential } from '@azure/core-auth';
import { credentialReadiness } from './index';

describe('readiness outside demo mode', () => {
  it('is ready once the credential yields an ARM token', async () => {
    const credential: TokenCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }) };
    await expect(credentialReadiness(credential, 'https://management.azure.com/.default')).resolves.toEqual({ ready: true });
  });

  it('is not ready, and says what to set up, when no credential works', async () => {
    const credential: TokenCredential = {
      getToken: async () => {
        throw new Error('ChainedTokenCredential authentication failed.\nManagedIdentityCredential: no endpoint');
      },
    };
    const r = await credentialReadiness(credential, 'https://management.azure.com/.default');
    expect(r.ready).toBe(false);
    expect(r.detail).toBe(
      'no Azure credential works (managed identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or az login): ChainedTokenCredential authentication failed.',
    );
  });
});
