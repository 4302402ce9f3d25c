/**
 * Runs a triage for a conversation without holding the turn: a progress card now, then the
 * findings card in place of it when the ARM checks finish, and again when pod evidence arrives. Channels
 * give a turn 5–15 s; Azure may take longer, so everything after the progress card happens through
 * `continueConversationAsync` with the stored conversation reference.
 */
import { TurnContext, type ConversationReference } from 'botbuilder';
import { findingsCard, noticeCard, progressCard, type CardJson } from '../channels/adaptive-card';
import { targetLabel, toProgressView } from '../channels/view-model';
import type { TriageEngine } from '../triage/engine';
import type { PastedError } from '../triage/paste';
import type { Target } from '../triage/refs';
import type { AuditLog } from '../storage/audit';
import type { ApprovalService, Person } from './approvals';
import { cardActivity } from './activities';
import type { BackgroundWork, Logger } from './background';
import type { CardStore } from './card-store';
import { BUSY_NOTICE, triageInConversation } from './triage-flow';
import { SchedulerBusyError, type WorkScheduler } from '../scheduling/work-scheduler';

/** The part of CloudAdapter the runner uses. */
export interface ConversationAdapter {
  continueConversationAsync(botAppId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export interface TriageRunnerOptions {
  adapter: ConversationAdapter;
  botAppId: string;
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  background: BackgroundWork;
  log: Logger;
  refreshUserIds: readonly string[];
  scheduler: WorkScheduler;
}

export class TriageRunner {
  constructor(private readonly o: TriageRunnerOptions) {}

  /** Shows progress in this turn (a new card, or `activityId` replaced) and continues after the turn. */
  async start(
    context: TurnContext,
    input: { target: Target; refs: { cluster: string; registry: string }; requester: Person; activityId?: string; pasted?: PastedError[] },
  ): Promise<void> {
    const busy = !this.o.scheduler.hasRoom();
    // No typing indicator first: the progress card follows at once and replaces it, so it would only cost a send.
    const progress = cardActivity(busy ? noticeCard(BUSY_NOTICE) : progressCard(toProgressView(input.target)));
    let activityId = input.activityId;
    if (activityId) {
      await context.updateActivity({ ...progress, id: activityId });
    } else {
      const sent = await context.sendActivity(progress);
      activityId = sent?.id;
    }
    if (busy) {
      this.o.log.warn('check refused: too many waiting to start', { target: targetLabel(input.target) });
      return;
    }
    const reference = TurnContext.getConversationReference(context.activity);
    if (!activityId) {
      this.o.log.warn('the channel returned no activity id; findings will be sent as a new message');
    }
    const cardId = activityId;
    this.o.background.run(`triage ${targetLabel(input.target)}`, (signal) => this.finish({ ...input, reference, activityId: cardId, signal }));
  }

  private async finish(input: {
    target: Target;
    refs: { cluster: string; registry: string };
    requester: Person;
    pasted?: PastedError[];
    reference: Partial<ConversationReference>;
    activityId?: string;
    signal: AbortSignal;
  }): Promise<void> {
    // Card updates are chained so that a late partial report can never overwrite the final card; each is
    // rendered in its scheduler class (ARM findings before pod evidence) and sent once rendered.
    let chain = Promise.resolve();
    const show = (card: Promise<CardJson>): Promise<void> => {
      chain = chain.then(async () => this.show(input.reference, input.activityId, await card)).catch((error: unknown) => {
        this.o.log.error('updating the findings card failed', { error: error instanceof Error ? error.message : String(error) });
      });
      return chain;
    };
    const render = (kind: 'findings' | 'finish', build: () => CardJson) => this.o.scheduler.cpu(kind, build);
    try {
      await triageInConversation(this.o, { ...input, conversation: input.reference }, {
        partial: (report) => void show(render('findings', () => findingsCard({ report, resources: {}, backoffPods: [], ...(input.pasted && { pasted: input.pasted }) }))),
        final: (snapshot, offer) => show(render('finish', () => findingsCard(snapshot, offer ? { ...offer, refreshUserIds: this.o.refreshUserIds } : {}))),
      });
    } catch (error) {
      const refused = error instanceof SchedulerBusyError;
      if (!refused) this.o.log.error('triage failed', { target: targetLabel(input.target), error: error instanceof Error ? error.message : String(error) });
      await show(
        Promise.resolve(
          refused
            ? noticeCard(BUSY_NOTICE)
            : noticeCard({
                title: `The check of ${targetLabel(input.target)} could not finish`,
                text: `${input.signal.aborted ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`,
                tone: 'attention',
              }),
        ),
      );
    }
  }

  /** Replaces the card (or sends it, when there is none to replace) in the stored conversation. */
  async show(reference: Partial<ConversationReference>, activityId: string | undefined, card: CardJson): Promise<void> {
    await this.o.adapter.continueConversationAsync(this.o.botAppId, reference, async (context) => {
      if (activityId) await context.updateActivity({ ...cardActivity(card), id: activityId });
      else await context.sendActivity(cardActivity(card));
    });
  }
}
