import type { Evidence } from '../evidence';
import { targetRegistry } from './target-registry';
import { ACR_SUB, healthyEvidence, REGISTRY_ID } from '../../../test/fixtures/evidence';

function edit(change: (e: Evidence) => void): Evidence {
  const e = healthyEvidence();
  change(e);
  return e;
}
const lookup = (e: Evidence) => {
  if (e.registryLookup.state !== 'ok') throw new Error('fixture');
  return e.registryLookup.value;
};

describe('target.registry', () => {
  it('passes naming the login server, the resource id, SKU and region', () => {
    const o = targetRegistry.run(healthyEvidence());
    expect(o).toEqual({ status: 'pass', evidence: `Registry myacr.azurecr.io → ${REGISTRY_ID} (Premium, westeurope).` });
  });

  it.each<[string, (e: Evidence) => void, string, RegExp]>([
    [
      'nothing matches',
      (e) => {
        lookup(e).candidates = [];
        e.registry = { state: 'skipped', reason: 'not located' };
      },
      'unknown',
      /Registry myacr is not visible to this identity \(searched 2 subscriptions \(Resource Graph\)\): it is in another tenant, or the bot has no read access.*does not mean it does not exist/,
    ],
    [
      'several registries match',
      (e) => {
        const first = lookup(e).candidates[0];
        lookup(e).candidates.push({ ...first, id: first.id.replace('rg-acr', 'rg-old'), resourceGroup: 'rg-old' });
      },
      'unknown',
      /2 registries match myacr: myacr\.azurecr\.io → .*rg-acr.*; myacr\.azurecr\.io → .*rg-old/,
    ],
    ['the search was truncated', (e) => (lookup(e).truncated = true), 'unknown', /search for registry myacr was truncated/],
    [
      'the search failed',
      (e) => (e.registryLookup = { state: 'failed', failure: { kind: 'throttled', status: 429, message: 'Resource Graph throttled' } }),
      'unknown',
      /Could not search for registry myacr: Resource Graph throttled/,
    ],
    [
      'a registry named by id answers 404',
      (e) => {
        e.target.registry = { kind: 'acr-id', subscriptionId: ACR_SUB, resourceGroup: 'rg-acr', name: 'myacr' };
        e.registryLookup = { state: 'skipped', reason: 'named by id' };
        e.registry = { state: 'failed', failure: { kind: 'not-found', status: 404, message: 'ResourceNotFound' } };
      },
      'unknown',
      /Registry myacr \(resource group rg-acr, subscription 2222.*\) is not visible to this identity \(ResourceNotFound\)/,
    ],
    [
      'reading the registry times out',
      (e) => (e.registry = { state: 'failed', failure: { kind: 'timeout', message: 'GET timed out after 20 s' } }),
      'unknown',
      /Registry myacr could not be read: GET timed out/,
    ],
    [
      'a login-server registry was not read',
      (e) => {
        e.target.registry = { kind: 'acr-host', host: 'myacr.azurecr.io', loginServer: 'myacr.azurecr.io', nameHint: 'myacr', suffix: 'azurecr.io' };
        e.registry = { state: 'skipped', reason: 'lookup cancelled' };
      },
      'unknown',
      /Registry myacr\.azurecr\.io was not read: lookup cancelled/,
    ],
  ])('%s', (_case, change, status, evidence) => {
    const o = targetRegistry.run(edit(change));
    expect(o.status).toBe(status);
    expect(o.evidence).toMatch(evidence);
    expect(o.needs).toBeTruthy();
  });

  it('skips a registry that is not an ACR', () => {
    const o = targetRegistry.run(edit((e) => (e.target.registry = { kind: 'external', host: 'ghcr.io' })));
    expect(o.status).toBe('skip');
    expect(o.evidence).toContain('ghcr.io is not an Azure Container Registry');
  });

  it('a registry in another tenant (401 InvalidAuthenticationTokenTenant) is not "give Reader": it says where and what it means for pulls', () => {
    const e = healthyEvidence();
    e.registry = {
      state: 'failed',
      failure: {
        kind: 'forbidden',
        status: 401,
        code: 'InvalidAuthenticationTokenTenant',
        message:
          "Could not read registry myacr: it lives in Entra tenant 3b8a0000-0000-4000-8000-000000000002, not in the bot's tenant, and that tenant refuses the bot's token (401 InvalidAuthenticationTokenTenant).",
        needs:
          'an identity for the bot in Entra tenant 3b8a0000-0000-4000-8000-000000000002 (a multi-tenant app registration with a service principal there) with Reader — a role in the bot’s own tenant cannot help',
      },
    };
    const out = targetRegistry.run(e);
    expect(out.status).toBe('unknown');
    expect(out.evidence).toContain('Entra tenant 3b8a0000-0000-4000-8000-000000000002');
    expect(out.evidence).toContain('imagePullSecret');
    expect(out.remediation).not.toMatch(/^Give the bot/);
    expect(out.needs).toContain('multi-tenant');
  });
});
