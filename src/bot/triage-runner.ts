/**
 * Runs a triage for a conversation without holding the turn: typing + a progress card now, then the
 * findings card in place of it when the ARM checks finish, and again when pod evidence arrives. Channels
 * give a turn 5–15 s; Azure may take longer, so everything after the progress card happens through
 * `continueConversationAsync` with the stored conversation reference.
 */
import { ActivityTypes, TurnContext, type ConversationReference } from 'botbuilder';
import { findingsCard, noticeCard, progressCard, type CardJson } from '../channels/adaptive-card';
import { targetLabel, toProgressView } from '../channels/view-model';
import type { TriageEngine } from '../triage/engine';
import type { ClusterRef, Target } from '../triage/refs';
import type { PastedError } from '../triage/paste';
import { triageCluster } from '../triage/cluster-triage';
import { showClusterTriage, type ClusterFlowView } from './cluster-flow';
import type { AuditLog } from '../storage/audit';
import type { ApprovalService, Person } from './approvals';
import { cardActivity } from './activities';
import type { BackgroundWork, Logger } from './background';
import type { CardStore } from './card-store';
import { triageInConversation } from './triage-flow';

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
}

export class TriageRunner {
  constructor(private readonly o: TriageRunnerOptions) {}

  /** Shows progress in this turn (a new card, or `activityId` replaced) and continues after the turn. */
  async start(
    context: TurnContext,
    input: { target: Target; refs: { cluster: string; registry: string }; requester: Person; activityId?: string; pasted?: PastedError[] },
  ): Promise<void> {
    const progress = { ...cardActivity(progressCard(toProgressView(input.target))) };
    let activityId = input.activityId;
    if (activityId) {
      await context.updateActivity({ ...progress, id: activityId });
    } else {
      await context.sendActivity({ type: ActivityTypes.Typing });
      const sent = await context.sendActivity(progress);
      activityId = sent?.id;
    }
    const reference = TurnContext.getConversationReference(context.activity);
    if (!activityId) {
      this.o.log.warn('the channel returned no activity id; findings will be sent as a new message');
    }
    const cardId = activityId;
    this.o.background.run(`triage ${targetLabel(input.target)}`, (signal) => this.finish({ ...input, reference, activityId: cardId, signal }), { lane: 'triage' });
  }

  /** `check <cluster>` alone: progress now; after the turn one findings card per registry the pods fail on. */
  async startCluster(context: TurnContext, input: { cluster: ClusterRef; label: string; requester: Person; activityId?: string }): Promise<void> {
    const progress = cardActivity(progressCard({ heading: `Checking ${input.label}`, detail: "Reading the cluster's failing pods, then each registry they pull from…" }));
    let activityId = input.activityId;
    if (activityId) await context.updateActivity({ ...progress, id: activityId });
    else activityId = (await context.sendActivity(progress))?.id;
    const reference = TurnContext.getConversationReference(context.activity);
    const first = activityId;
    this.o.background.run(`triage ${input.label}`, async (signal) => {
      const render = (view: ClusterFlowView): CardJson =>
        view.kind === 'notice' ? noticeCard(view.view) : findingsCard(view.snapshot, view.offer ? { ...view.offer, refreshUserIds: this.o.refreshUserIds } : {});
      try {
        const t = await triageCluster(this.o.engine, input.cluster, { signal });
        await showClusterTriage(this.o, t, { requester: input.requester, clusterLabel: input.label }, {
          first,
          post: async (view) => this.send(reference, view.kind === 'progress' ? progressCard({ heading: view.heading, detail: 'Preparing the findings…' }) : render(view)),
          replace: (at, view) => this.show(reference, at, render(view)),
          approvalPlace: (at) => ({ conversation: reference, activityId: at }),
        });
      } catch (error) {
        this.o.log.error('triage failed', { target: input.label, error: error instanceof Error ? error.message : String(error) });
        await this.show(reference, first, noticeCard({ title: `The check of ${input.label} could not finish`, text: `${signal.aborted ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`, tone: 'attention' }));
      }
    }, { lane: 'triage' });
  }

  private async send(reference: Partial<ConversationReference>, card: CardJson): Promise<string | undefined> {
    let id: string | undefined;
    await this.o.adapter.continueConversationAsync(this.o.botAppId, reference, async (context) => {
      id = (await context.sendActivity(cardActivity(card)))?.id;
    });
    return id;
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
    // Card updates are chained so that a late partial report can never overwrite the final card.
    let chain = Promise.resolve();
    const show = (card: CardJson): Promise<void> => {
      chain = chain.then(() => this.show(input.reference, input.activityId, card)).catch((error: unknown) => {
        this.o.log.error('updating the findings card failed', { error: error instanceof Error ? error.message : String(error) });
      });
      return chain;
    };
    try {
      await triageInConversation(this.o, { ...input, conversation: input.reference }, {
        partial: (report) => void show(findingsCard({ report, resources: {}, backoffPods: [], ...(input.pasted && { pasted: input.pasted }) })),
        final: (snapshot, offer) => show(findingsCard(snapshot, offer ? { ...offer, refreshUserIds: this.o.refreshUserIds } : {})),
      });
    } catch (error) {
      this.o.log.error('triage failed', { target: targetLabel(input.target), error: error instanceof Error ? error.message : String(error) });
      await show(
        noticeCard({
          title: `The check of ${targetLabel(input.target)} could not finish`,
          text: `${input.signal.aborted ? 'The bot was shutting down.' : 'Something went wrong while reading Azure.'} Nothing was changed in Azure. Say "check again" to retry.`,
          tone: 'attention',
        }),
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
