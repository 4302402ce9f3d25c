/**
 * target.registry: the registry named can be located (possibly in another subscription) and read (docs/domain.md#finding-the-registry).
 * Nothing found means "not visible to this identity", never "does not exist": other tenants are invisible to the bot.
 */
import type { RegistryRef } from '../refs';
import type { Check, Outcome } from '../report';
import type { Evidence, ResourceLocator } from '../evidence';
import { ambiguous, searchFailed, type Sought } from '../lookup-outcomes';

const READ = 'Reader (or Container Registry Configuration Reader and Data Access Configuration Reader) on the registry';

function named(ref: Exclude<RegistryRef, { kind: 'external' }>): string {
  switch (ref.kind) {
    case 'acr-id':
      return `${ref.name} (resource group ${ref.resourceGroup}, subscription ${ref.subscriptionId})`;
    case 'acr-name':
      return ref.name;
    case 'acr-host':
      return ref.loginServer;
  }
}

function lookupOutcome(e: Evidence, name: string): Outcome | undefined {
  const lookup = e.registryLookup;
  const describe = (c: ResourceLocator): string => `${c.loginServer ?? c.name} → ${c.id}`;
  const sought: Sought = { kind: 'registry', named: name, read: READ, exactly: 'resource id or login server', describe };
  if (lookup.state === 'failed') return searchFailed(lookup.failure, sought);
  if (lookup.state !== 'ok') return undefined;
  const { candidates, searched, truncated } = lookup.value;
  if (candidates.length === 0)
    return {
      status: 'unknown',
      evidence: `Registry ${name} is not visible to this identity (searched ${searched}): it is in another tenant, or the bot has no read access to it. This does not mean it does not exist.`,
      remediation: `Give the bot ${READ}, or name it by its resource id. If it is in another tenant, see identity.cross-tenant.`,
      needs: READ,
    };
  if (candidates.length > 1) return ambiguous(lookup.value, sought);
  if (truncated)
    return {
      status: 'unknown',
      evidence: `The search for registry ${name} was truncated (${searched}); found ${candidates.map(describe).join('; ')}, but more matches may exist.`,
      remediation: 'Give the registry as its resource id so there is no doubt which one is meant.',
      needs: 'the registry as resource id',
    };
  return undefined;
}

export const targetRegistry: Check = {
  id: 'target.registry',
  title: 'Registry can be located and read',
  run(e) {
    const ref = e.target.registry;
    if (ref.kind === 'external')
      return {
        status: 'skip',
        evidence: `${ref.host} is not an Azure Container Registry: the node identity is not used for it, so the ACR checks do not apply (pull secrets do).`,
      };
    const name = named(ref);
    const fromLookup = lookupOutcome(e, name);
    if (fromLookup) return fromLookup;
    const r = e.registry;
    if (r.state === 'failed' && r.failure.code === 'InvalidAuthenticationTokenTenant') {
      // Reader in the bot's tenant would change nothing: say where the registry is and what that means for pulls.
      return {
        status: 'unknown',
        evidence: `${r.failure.message} The cluster's kubelet identity belongs to the cluster's tenant too, so it cannot be given AcrPull on ${name}: pulls from it work only with an imagePullSecret or a multi-tenant app registration that holds AcrPull there.`,
        remediation: `Check the registry from its own tenant, or register the bot as a multi-tenant app with Reader there. For pulls, use an imagePullSecret, or a multi-tenant service principal with AcrPull on ${name} (AKS: pull from a registry in another Entra tenant).`,
        needs: r.failure.needs ?? READ,
      };
    }
    if (r.state === 'failed') {
      const hidden = r.failure.kind === 'not-found' || r.failure.kind === 'forbidden';
      return {
        status: 'unknown',
        evidence: hidden
          ? `Registry ${name} is not visible to this identity (${r.failure.message}): it is in another tenant, the bot has no read access, or it was deleted.`
          : `Registry ${name} could not be read: ${r.failure.message}`,
        remediation: `Give the bot ${READ}, then check again.`,
        needs: r.failure.needs ?? READ,
      };
    }
    if (r.state === 'skipped')
      return {
        status: 'unknown',
        evidence: `Registry ${name} was not read: ${r.reason}`,
        remediation: 'Name the registry by login server or resource id and check again.',
        needs: 'the registry as login server or resource id',
      };
    const reg = r.value;
    return { status: 'pass', evidence: `Registry ${reg.loginServer} → ${reg.id} (${reg.sku}, ${reg.location}).` };
  },
};
