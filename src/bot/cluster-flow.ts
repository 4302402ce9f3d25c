/**
 * Showing a triage from the cluster alone, whatever asked for it (a person's `check aks-prod`, an alert) and
 * whatever the channel: the first failing registry's findings replace the progress message, each further
 * registry gets a message of its own, every one with its audit entry and its grant offer; a cluster where
 * nothing fails to pull, or that could not be read, gets one notice saying what was read or why not.
 * Free of botbuilder on purpose: each channel supplies how to post and replace.
 */
import { clusterSummary, type ClusterTriage } from '../triage/cluster-triage';
import type { NoticeView, TriageSnapshot } from '../channels/view-model';
import type { GrantPlan } from '../triage/remediation';
import type { ApprovalRecord, Person } from './approvals';
import type { CardState } from './card-store';
import { offerAfterTriage, type TriageFlowDeps } from './triage-flow';

export type ClusterFlowView = { kind: 'findings'; snapshot: TriageSnapshot; offer?: { plan: GrantPlan; approval: ApprovalRecord } } | { kind: 'notice'; view: NoticeView };

export interface ClusterFlowIo<L> {
  /** The progress message, which the first view replaces. */
  first: L;
  post(view: ClusterFlowView | { kind: 'progress'; heading: string }): Promise<L>;
  replace(at: L, view: ClusterFlowView): Promise<void>;
  /** What an approval keeps to find the message again. */
  approvalPlace(at: L): { conversation?: ApprovalRecord['conversation']; activityId?: string };
}

export interface ShownCard<L> {
  /** Login server or host; "" for the cluster-wide notice. */
  registry: string;
  at: L;
  view: ClusterFlowView;
}

export async function showClusterTriage<L>(
  deps: Omit<TriageFlowDeps, 'engine'>,
  t: ClusterTriage,
  input: { requester: Person; clusterLabel: string; banner?: CardState['banner'] },
  io: ClusterFlowIo<L>,
): Promise<ShownCard<L>[]> {
  if (t.registries.length === 0) {
    const passed = t.verdict === 'no-failing-pods';
    const view: ClusterFlowView = {
      kind: 'notice',
      view: { title: passed ? `${input.clusterLabel}: no pod is failing to pull` : `${input.clusterLabel}: could not be checked`, text: clusterSummary(t), tone: passed ? 'good' : 'warning' },
    };
    await io.replace(io.first, view);
    return [{ registry: '', at: io.first, view }];
  }
  const shown: ShownCard<L>[] = [];
  for (const [i, { group, result }] of t.registries.entries()) {
    const at = i === 0 ? io.first : await io.post({ kind: 'progress', heading: `Checking ${group.key}…` });
    const { snapshot, offer } = await offerAfterTriage(deps, result, {
      refs: { cluster: input.clusterLabel, registry: group.key },
      requester: input.requester,
      ...io.approvalPlace(at),
      ...(input.banner ? { banner: input.banner } : {}),
    });
    const view: ClusterFlowView = { kind: 'findings', snapshot, ...(offer ? { offer } : {}) };
    await io.replace(at, view);
    shown.push({ registry: group.key, at, view });
  }
  return shown;
}
