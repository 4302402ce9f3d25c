/**
 * Runs a triage for a Slack conversation: "Checking …" is posted at once, the triage runs after the event
 * was acknowledged, and the same message is replaced (chat.update) with the findings — again when pod
 * evidence arrives. Same engine, approvals, audit and card store as Teams; only the transport differs.
 */
import { findingsBlocks, noticeBlocks, progressBlocks, type SlackMessage } from '../channels/block-kit';
import { targetLabel, toProgressView } from '../channels/view-model';
import type { ApprovalService, Person } from '../bot/approvals';
import type { BackgroundWork, Logger } from '../bot/background';
import type { CardStore } from '../bot/card-store';
import { triageInConversation } from '../bot/triage-flow';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import type { ClusterRef, Target } from '../triage/refs';
import type { PastedError } from '../triage/paste';
import { triageCluster } from '../triage/cluster-triage';
import { showClusterTriage, type ClusterFlowView } from '../bot/cluster-flow';
import type { MessageRef, SlackPoster } from './poster';

export interface SlackTriageOptions {
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  background: BackgroundWork;
  log: Logger;
}

/** What the approval record keeps to find the message again (a botbuilder-shaped reference, channel "slack"). */
export function slackReference(ref: MessageRef) {
  return { channelId: 'slack', conversation: { id: ref.channel, isGroup: true, conversationType: 'slack', name: ref.channel } };
}

export class SlackTriage {
  constructor(private readonly o: SlackTriageOptions) {}

  async start(
    poster: SlackPoster,
    input: { channel: string; threadTs?: string; target: Target; refs: { cluster: string; registry: string }; requester: Person; pasted?: PastedError[] },
  ): Promise<void> {
    const ref = await poster.post(input.channel, progressBlocks(toProgressView(input.target)), input.threadTs);
    this.o.background.run(`slack triage ${targetLabel(input.target)}`, (signal) => this.finish(poster, ref, input, signal), { lane: 'triage' });
  }

  /** `check <cluster>` alone: "Checking …" now; one findings message per registry the pods fail on. */
  async startCluster(poster: SlackPoster, input: { channel: string; threadTs?: string; cluster: ClusterRef; label: string; requester: Person }): Promise<void> {
    const first = await poster.post(input.channel, progressBlocks({ heading: `Checking ${input.label}`, detail: "Reading the cluster's failing pods, then each registry they pull from…" }), input.threadTs);
    this.o.background.run(`slack triage ${input.label}`, async (signal) => {
      const render = (view: ClusterFlowView): SlackMessage => (view.kind === 'notice' ? noticeBlocks(view.view) : findingsBlocks(view.snapshot, view.offer ?? {}));
      try {
        const t = await triageCluster(this.o.engine, input.cluster, { signal });
        await showClusterTriage(this.o, t, { requester: input.requester, clusterLabel: input.label }, {
          first,
          post: (view) => poster.post(input.channel, view.kind === 'progress' ? progressBlocks({ heading: view.heading, detail: 'Preparing the findings…' }) : render(view), input.threadTs),
          replace: (at, view) => poster.update(at, render(view)),
          approvalPlace: (at) => ({ conversation: slackReference(at), activityId: at.ts }),
        });
      } catch (error) {
        this.o.log.error('triage failed', { target: input.label, error: error instanceof Error ? error.message : String(error) });
        await poster.update(first, noticeBlocks({ title: `The check of ${input.label} could not finish`, text: `${signal.aborted ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`, tone: 'attention' }));
      }
    }, { lane: 'triage' });
  }

  private async finish(
    poster: SlackPoster,
    ref: MessageRef,
    input: { target: Target; refs: { cluster: string; registry: string }; requester: Person; pasted?: PastedError[] },
    signal: AbortSignal,
  ): Promise<void> {
    // Updates are chained so that a late partial report can never overwrite the final findings.
    let chain = Promise.resolve();
    const show = (message: SlackMessage): Promise<void> => {
      chain = chain.then(() => poster.update(ref, message)).catch((error: unknown) => {
        this.o.log.error('updating the Slack findings message failed', { error: error instanceof Error ? error.message : String(error) });
      });
      return chain;
    };
    try {
      await triageInConversation(this.o, { ...input, signal, conversation: slackReference(ref), activityId: ref.ts }, {
        partial: (report) => void show(findingsBlocks({ report, resources: {}, backoffPods: [], ...(input.pasted && { pasted: input.pasted }) })),
        final: (snapshot, offer) => show(findingsBlocks(snapshot, offer ?? {})),
      });
    } catch (error) {
      this.o.log.error('triage failed', { target: targetLabel(input.target), error: error instanceof Error ? error.message : String(error) });
      await show(
        noticeBlocks({
          title: `The check of ${targetLabel(input.target)} could not finish`,
          text: `${signal.aborted ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`,
          tone: 'attention',
        }),
      );
    }
  }
}

