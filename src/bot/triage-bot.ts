/**
 * The conversation: one thin handler per intent, registered on a router; card actions routed by verb.
 * Conversation state keeps only the target draft (one question at a time) and the last target.
 */
import {
  ActivityHandler,
  ConversationState,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type StatePropertyAccessor,
  type Storage,
} from 'botbuilder';
import { askCard, auditCard, helpCard, noticeCard, type CardJson } from '../channels/adaptive-card';
import { toAskView, toAuditView, toHelpView, type TargetPart } from '../channels/view-model';
import type { AuditLog } from '../storage/audit';
import type { ApprovalService } from './approvals';
import { cardActivity, cardResponse, messageResponse, personOf } from './activities';
import type { ApprovalUi } from './approval-ui';
import type { Logger } from './background';
import { IntentRouter, intentOf } from './intents';
import { fromAnswer, fromText, type DialogStep, type TargetDraft } from './target-dialog';
import type { TriageRunner } from './triage-runner';

interface ConversationData {
  draft?: TargetDraft;
  last?: { cluster: string; registry: string };
}

export interface TriageBotOptions {
  storage: Storage;
  runner: TriageRunner;
  approvalUi: ApprovalUi;
  approvals: ApprovalService;
  audit: AuditLog;
  log: Logger;
  demo: boolean;
  auditAudience: 'approvers' | 'everyone';
  /** Example commands for the help card (demo mode names its scenarios). */
  examples?: string[];
}

const AUDIT_ENTRIES = 15;

export class TriageBot extends ActivityHandler {
  private readonly state: ConversationState;
  private readonly data: StatePropertyAccessor<ConversationData>;
  private readonly router = new IntentRouter<TurnContext>();

  constructor(private readonly o: TriageBotOptions) {
    super();
    this.state = new ConversationState(o.storage);
    this.data = this.state.createProperty<ConversationData>('triage');

    this.router
      .on('help', async (context) => {
        await context.sendActivity(cardActivity(this.help(false)));
      })
      .on('check', async (context, intent) => {
        const data = await this.data.get(context, {});
        await this.proceed(context, fromText(intent.text, intent.explicit ? {} : data.draft ?? {}));
      })
      .on('check-again', async (context) => {
        await this.checkAgain(context);
      })
      .on('audit', async (context) => {
        await context.sendActivity(cardActivity(await this.auditCard(context)));
      });

    this.onMessage(async (context, next) => {
      // In channels the text starts with "<at>bot</at>"; only what follows the mention is the request.
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const submitted = context.activity.value as Record<string, unknown> | undefined;
      if (!text.trim() && submitted && typeof submitted === 'object') {
        // Clients without universal actions send Action.Execute as a message with `value` (Bot Framework Emulator).
        await context.sendActivity({ text: 'This client cannot run card buttons. Type "check again" or "check <cluster> <registry>" instead.' });
      } else {
        await this.router.dispatch(context, intentOf(text));
      }
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      // Welcome once, when the bot itself is added (install), not for every person joining a channel.
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await context.sendActivity(cardActivity(this.help(true)));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.saveChanges(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = (invoke.action?.data ?? {}) as Record<string, unknown>;
    switch (invoke.action?.verb) {
      case 'grant':
        return typeof data.approvalId === 'string' && data.approvalId.length <= 200
          ? this.o.approvalUi.press(context, data.approvalId)
          : cardResponse(noticeCard({ title: 'Not approved — nothing was changed', text: 'This button does not name an approval. Press "Check again" for a fresh card.', tone: 'attention' }));
      case 'refresh':
        return typeof data.approvalId === 'string' ? this.o.approvalUi.refresh(data.approvalId) : messageResponse('Nothing to refresh.');
      case 'check-again':
        return this.checkAgainFromCard(context);
      case 'provide-target':
        return this.answer(context, data);
      default:
        return messageResponse('This button is not known to this bot (it may come from an older version). Type "help".');
    }
  }

  private help(welcome: boolean): CardJson {
    return helpCard(toHelpView({ welcome, demo: this.o.demo, examples: this.o.examples }));
  }

  /** Either starts the triage or asks the next question, remembering what is known. */
  private async proceed(context: TurnContext, step: DialogStep, activityId?: string): Promise<CardJson | undefined> {
    const data = await this.data.get(context, {});
    if (step.kind === 'ask') {
      data.draft = step.draft;
      await this.data.set(context, data);
      const card = askCard(toAskView(step.part, { known: step.known, error: step.error, understood: step.understood }));
      if (!activityId) await context.sendActivity(cardActivity(card));
      return card;
    }
    data.draft = undefined;
    data.last = step.refs;
    await this.data.set(context, data);
    await this.o.runner.start(context, { target: step.target, refs: step.refs, requester: personOf(context.activity), activityId, pasted: step.pasted });
    return undefined;
  }

  private async checkAgain(context: TurnContext): Promise<void> {
    const data = await this.data.get(context, {});
    if (!data.last) {
      await context.sendActivity(cardActivity(askCard(toAskView('cluster', { error: 'There is no earlier check in this conversation to repeat.' }))));
      data.draft = { asking: 'cluster' };
      await this.data.set(context, data);
      return;
    }
    await this.proceed(context, fromAnswer('registry', data.last.registry, { cluster: data.last.cluster }));
  }

  private async checkAgainFromCard(context: TurnContext): Promise<AdaptiveCardInvokeResponse> {
    const data = await this.data.get(context, {});
    if (!data.last) return messageResponse('There is no earlier check in this conversation to repeat. Type "check <cluster> <registry>".');
    // A new card, so the old findings (and what was approved on them) stay readable above it.
    await this.proceed(context, fromAnswer('registry', data.last.registry, { cluster: data.last.cluster }));
    return messageResponse('Checking again — the new findings follow below.');
  }

  /** The ask-for-target form: the answer replaces the form (for the person answering) with the next step. */
  private async answer(context: TurnContext, submitted: Record<string, unknown>): Promise<AdaptiveCardInvokeResponse> {
    const data = await this.data.get(context, {});
    const draft = data.draft ?? {};
    const part: TargetPart | undefined =
      typeof submitted.cluster === 'string' ? 'cluster' : typeof submitted.registry === 'string' ? 'registry' : undefined;
    if (!part) return cardResponse(askCard(toAskView(draft.asking ?? 'cluster', { known: undefined, error: 'Type a value, then press Check.' })));
    const value = String(submitted[part]);
    const step = fromAnswer(part, value, draft);
    const formId = context.activity.replyToId;
    const card = await this.proceed(context, step, formId ?? undefined);
    if (card) return cardResponse(card);
    if (!formId) return messageResponse('Checking — the findings follow below.');
    return messageResponse('Checking — this card turns into the findings.');
  }

  private async auditCard(context: TurnContext): Promise<CardJson> {
    const person = personOf(context.activity);
    if (this.o.auditAudience === 'approvers' && !this.o.approvals.isApprover(person)) {
      return noticeCard({
        title: 'The audit log is for approvers',
        text: 'It names principals, scopes and who approved what, so only people in TRIAGE_APPROVERS can list it here. On the bot host, run "aks-registry-triage audit".',
        tone: 'warning',
      });
    }
    return auditCard(toAuditView(await this.o.audit.recent(AUDIT_ENTRIES), AUDIT_ENTRIES));
  }
}
