/**
 * What target.cluster and target.registry say when the search for what the user named did not settle on
 * one resource: the search itself failed, or it found several. Both checks must say it the same way.
 */
import type { Lookup, ReadFailure, ResourceLocator } from './evidence';
import type { Outcome } from './report';

export interface Sought {
  kind: 'cluster' | 'registry';
  /** The resource as the user named it, for people. */
  named: string;
  /** The permission that lets the bot search (when the failure names none). */
  read: string;
  /** How to name it so that there is no doubt: "resourceGroup/name or resource id". */
  exactly: string;
  /** One candidate in the list of matches. */
  describe: (candidate: ResourceLocator) => string;
}

/** The search could not run: what was named is unseen, not missing. */
export function searchFailed(failure: ReadFailure, sought: Sought): Outcome {
  return {
    status: 'unknown',
    evidence: `Could not search for ${sought.kind} ${sought.named}: ${failure.message}`,
    remediation: `Give the bot read access to the subscriptions that may hold the ${sought.kind}, or name it by its resource id.`,
    needs: failure.needs ?? sought.read,
  };
}

/** Several resources match: the bot must not guess which one was meant. */
export function ambiguous(lookup: Lookup, sought: Sought): Outcome {
  const { candidates, truncated } = lookup;
  const plural = sought.kind === 'cluster' ? 'clusters' : 'registries';
  return {
    status: 'unknown',
    evidence: `${candidates.length} ${plural} match ${sought.named}${truncated ? ' (the search was truncated; there may be more)' : ''}: ${candidates.map(sought.describe).join('; ')}.`,
    remediation: `Say which one: give the ${sought.kind} as ${sought.exactly}.`,
    needs: `the ${sought.kind} as ${sought.exactly}`,
  };
}
