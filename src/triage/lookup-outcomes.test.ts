import type { Lookup, ResourceLocator } from './evidence';
import { ambiguous, searchFailed, type Sought } from './lookup-outcomes';

const sought: Sought = {
  kind: 'registry',
  named: 'myacr',
  read: 'Reader on the registry',
  exactly: 'resource id or login server',
  describe: (c) => `${c.name} in ${c.resourceGroup}`,
};
const candidate = (resourceGroup: string): ResourceLocator => ({ id: `/x/${resourceGroup}`, name: 'myacr', subscriptionId: 's', resourceGroup });

describe('searchFailed', () => {
  it('is unknown, with the failure and the needs it names', () => {
    expect(searchFailed({ kind: 'forbidden', message: '403 on Resource Graph', needs: 'Reader on sub-1' }, sought)).toEqual({
      status: 'unknown',
      evidence: 'Could not search for registry myacr: 403 on Resource Graph',
      remediation: 'Give the bot read access to the subscriptions that may hold the registry, or name it by its resource id.',
      needs: 'Reader on sub-1',
    });
  });
  it('falls back to the read permission of what was sought', () => {
    expect(searchFailed({ kind: 'timeout', message: 'timed out' }, { ...sought, kind: 'cluster' })).toMatchObject({
      evidence: 'Could not search for cluster myacr: timed out',
      needs: 'Reader on the registry',
    });
  });
});

describe('ambiguous', () => {
  it.each<[boolean, string]>([
    [false, '2 registries match myacr: myacr in rg-a; myacr in rg-b.'],
    [true, '2 registries match myacr (the search was truncated; there may be more): myacr in rg-a; myacr in rg-b.'],
  ])('lists every match (truncated %p) and asks which one', (truncated, evidence) => {
    const lookup: Lookup = { candidates: [candidate('rg-a'), candidate('rg-b')], searched: '2 subscriptions', truncated };
    expect(ambiguous(lookup, sought)).toEqual({
      status: 'unknown',
      evidence,
      remediation: 'Say which one: give the registry as resource id or login server.',
      needs: 'the registry as resource id or login server',
    });
  });
  it('says clusters for clusters', () => {
    const lookup: Lookup = { candidates: [candidate('rg-a'), candidate('rg-b')], searched: '1 subscription', truncated: false };
    expect(ambiguous(lookup, { ...sought, kind: 'cluster' }).evidence).toMatch(/^2 clusters match myacr/);
  });
});
