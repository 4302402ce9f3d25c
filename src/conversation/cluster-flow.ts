/**
 * Showing a triage from the cluster alone, whatever asked for it (a person's `check aks-prod`, an alert) and
 * whatever the channel: the first failing registry's findings replace the progress message, each further
 * registry gets a message of its own, every one with its audit entry and its grant offer; a cluster where
 * nothing fails to pull, or that could not be read, gets one notice saying what was read or why not.
 */
import type { AlertBannerView } from '../channels/alert-banner';
import { clusterSummary, type ClusterTriage } from '../triage/cluster-triage';
import type { Person } from './approvals';
import type { MessageLocation } from './location';
import type { ChannelPort, ConversationView } from './port';
import { offerAfterTriage, type TriageFlowDeps } from './triage-flow';
import type { WorkScheduler } from '../scheduling/work-scheduler';

export interface ShownCard {
  /** Login server or host; "" for the cluster-wide notice. */
  registry: string;
  at: MessageLocation;
  view: ConversationView;
}

export async function showClusterTriage(
  deps: Omit<TriageFlowDeps, 'engine' | 'background' | 'scheduler'> & { scheduler?: WorkScheduler },
  t: ClusterTriage,
  input: { requester: Person; clusterLabel: string; banner?: AlertBannerView },
  port: ChannelPort,
  first: MessageLocation,
  /** Called with each message before it is shown (alerts record it first). */
  onShow: (card: ShownCard) => Promise<void> = async () => undefined,
): Promise<ShownCard[]> {
  const banner = input.banner ? { banner: input.banner } : {};
  if (t.registries.length === 0) {
    const passed = t.verdict === 'no-failing-pods';
    const view: ConversationView = {
      kind: 'notice',
      view: {
        title: passed ? `${input.clusterLabel}: no pod is failing to pull` : `${input.clusterLabel}: could not be checked`,
        text: clusterSummary(t),
        tone: passed ? 'good' : 'warning',
      },
      ...banner,
    };
    const card = { registry: '', at: first, view };
    await onShow(card);
    await port.replace(first, view);
    return [card];
  }
  const shown: ShownCard[] = [];
  for (const [i, { group, result }] of t.registries.entries()) {
    const at =
      i === 0
        ? first
        : await port.post(first, { kind: 'progress', view: { heading: `Checking ${group.key}…`, detail: 'Preparing the findings…' }, ...banner });
    const view = await offerAfterTriage(deps, result, {
      refs: { cluster: input.clusterLabel, registry: group.key },
      requester: input.requester,
      location: at,
      ...banner,
    });
    const card = { registry: group.key, at, view };
    await onShow(card);
    await port.replace(at, view);
    shown.push(card);
  }
  return shown;
}
