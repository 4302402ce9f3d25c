/**
 * Resource Graph queries across every subscription the bot can see. A query that projects `id` is paged:
 * the answer says `resultTruncated: false` yet carries `$skipToken` for the next page, so every page is
 * followed (a bounded number of them). `allowPartialScopes` lets a tenant-wide query answer for the
 * subscriptions it can cover instead of failing when there are more than one query may span.
 */
import type { AbortSignalLike } from '@azure/ms-rest-js';
import type { AzureClients } from './clients';
import { MalformedAnswerError } from './read';

export interface GraphPages {
  data: unknown[];
  /** True when rows were left: ARG said so, or the page limit stopped the paging. */
  truncated: boolean;
}

export interface GraphQueryOptions {
  /** Rows per page (ARG allows up to 1000). */
  top: number;
  /** Pages followed at most. */
  maxPages?: number;
  abortSignal: AbortSignal;
}

export async function queryAllPages(clients: AzureClients, query: string, options: GraphQueryOptions): Promise<GraphPages> {
  const data: unknown[] = [];
  let skipToken: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 10); page++) {
    const response = await clients
      .resourceGraph()
      .resources(
        { query, options: { resultFormat: 'objectArray', top: options.top, allowPartialScopes: true, ...(skipToken ? { skipToken } : {}) } },
        { abortSignal: options.abortSignal as unknown as AbortSignalLike },
      );
    if (!Array.isArray(response.data)) throw new MalformedAnswerError('Resource Graph answered without a data array');
    data.push(...(response.data as unknown[]));
    skipToken = response.skipToken || undefined;
    if (String(response.resultTruncated).toLowerCase() === 'true') return { data, truncated: true };
    if (!skipToken) return { data, truncated: false };
  }
  return { data, truncated: true };
}
