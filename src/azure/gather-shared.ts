/**
 * What the evidence families of a triage (gather-*.ts) share: the per-read spec, the reasons a read was not
 * attempted, and the two primitives several families use (all-or-nothing lists, Resource Graph rows).
 */
import { failed, ok, type Read } from '../triage/evidence';
import type { AzureClients } from './clients';
import { obj } from './facts';
import { readArm, type ReadSpec } from './read';
import { queryAllPages } from './resource-graph';

export type Spec = Pick<ReadSpec, 'signal' | 'deadlineMs'>;

export const CLUSTER_NOT_READ = 'the cluster could not be read';
export const REGISTRY_NOT_READ = 'the registry could not be read';
export const REGISTRY_NOT_IDENTIFIED = 'the registry could not be identified';
export const NO_PRIVATE_ENDPOINTS = 'the registry has no private endpoint connections';

/** Every read ok, or the first failure. */
export function allOk<T>(reads: Read<T>[]): Read<T[]> {
  const bad = reads.find((r) => r.state === 'failed');
  if (bad && bad.state === 'failed') return failed(bad.failure);
  return ok(reads.filter((r): r is { state: 'ok'; value: T } => r.state === 'ok').map((r) => r.value));
}

/** A Resource Graph query returning object rows. */
export function graphQuery(clients: AzureClients, query: string, spec: ReadSpec): Promise<Read<Record<string, unknown>[]>> {
  return readArm(
    spec,
    (abortSignal) => queryAllPages(clients, query, { top: 1000, abortSignal }),
    (response) => response.data.map(obj),
  );
}
