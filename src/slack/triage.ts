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
import { BUSY_NOTICE, triageInConversation } from '../bot/triage-flow';
import { SchedulerBusyError, type WorkScheduler } from '../scheduling/work-scheduler';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import type { PastedError } from '../triage/paste';
import type { Target } from '../triage/refs';
import type { MessageRef, SlackPoster } from './poster';

export interface SlackTriageOptions {
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  background: BackgroundWork;
  log: Logger;
  scheduler: WorkScheduler;
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
    if (!this.o.scheduler.hasRoom()) {
      await poster.post(input.channel, noticeBlocks(BUSY_NOTICE), input.threadTs);
      return;
    }
    const ref = await poster.post(input.channel, progressBlocks(toProgressView(input.target)), input.threadTs);
    this.o.background.run(`slack triage ${targetLabel(input.target)}`, (signal) => this.finish(poster, ref, input, signal));
  }

  private async finish(
    poster: SlackPoster,
    ref: MessageRef,
    input: { target: Target; refs: { cluster: string; registry: string }; requester: Person; pasted?: PastedError[] },
    signal: AbortSignal,
  ): Promise<void> {
    // Updates are chained so that a late partial report can never overwrite the final findings.
    let chain = Promise.resolve();
    const show = (message: Promise<SlackMessage>): Promise<void> => {
      chain = chain.then(async () => poster.update(ref, await message)).catch((error: unknown) => {
        this.o.log.error('updating the Slack findings message failed', { error: error instanceof Error ? error.message : String(error) });
      });
      return chain;
    };
    try {
      await triageInConversation(this.o, { ...input, signal, conversation: slackReference(ref), activityId: ref.ts }, {
        partial: (report) => void show(this.o.scheduler.cpu('findings', () => findingsBlocks({ report, resources: {}, backoffPods: [], ...(input.pasted && { pasted: input.pasted }) }))),
        final: (snapshot, offer) => show(this.o.scheduler.cpu('finish', () => findingsBlocks(snapshot, offer ?? {}))),
      });
    } catch (error) {
      if (error instanceof SchedulerBusyError) {
        await show(Promise.resolve(noticeBlocks(BUSY_NOTICE)));
        return;
      }
      this.o.log.error('triage failed', { target: targetLabel(input.target), error: error instanceof Error ? error.message : String(error) });
      await show(
        Promise.resolve(noticeBlocks({
          title: `The check of ${targetLabel(input.target)} could not finish`,
          text: `${signal.aborted ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`,
          tone: 'attention',
        })),
      );
    }
  }
}

