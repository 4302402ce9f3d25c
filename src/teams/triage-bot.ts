/**
 * The Teams activity handler: turns activities into Turns for the conversation core and answers invokes.
 * What to do is decided in src/conversation; this file only translates (mention removal, card verbs,
 * invoke responses). Identity comes from the authenticated activity (personOf), never from card data.
 * When other work is in flight a message is acknowledged at once and answered after its turn
 * (Conversation.acknowledged); on a quiet bot it is answered inside the turn, the cheaper path to the
 * reply. A card button's invoke is always answered within its turn: the answer carries the presser's card.
 */
import { ActivityHandler, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import { objectIdVouched, type TeamsTrustPolicy } from '../authority/teams-trust';
import type { Conversation } from '../conversation/conversation';
import { cardResponse, messageResponse } from './activities';
import { TeamsPort, turnOf, type TeamsPortOptions } from './port';
import type { ConversationReferences } from './conversation-references';

/** The issuer of the token botbuilder authenticated this turn with (none without an app id). */
function issuerOf(context: TurnContext): string | undefined {
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as { getClaimValue?: (type: string) => string | null } | undefined;
  return identity?.getClaimValue?.('iss') ?? undefined;
}

export class TriageBot extends ActivityHandler {
  constructor(
    private readonly conversation: Conversation,
    private readonly portOptions: TeamsPortOptions,
    /** Whose `aadObjectId` counts (src/authority/teams-trust.ts). */
    private readonly trust: TeamsTrustPolicy,
    /** Kept from every activity, so that alerts can be posted where the bot is installed. */
    private readonly references?: ConversationReferences,
    /** True when a message may be answered inside its turn; otherwise it is acknowledged first. */
    private readonly answerInTurn: () => boolean = () => true,
  ) {
    super();

    this.onMessage(async (context, next) => {
      // In channels the text starts with "<at>bot</at>"; only what follows the mention is the request.
      const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
      const submitted = context.activity.value as Record<string, unknown> | undefined;
      if (!text.trim() && submitted && typeof submitted === 'object') {
        // Clients without universal actions send Action.Execute as a message with `value` (Bot Framework Emulator).
        await context.sendActivity({ text: 'This client cannot run card buttons. Type "check again" or "check <cluster> <registry>" instead.' });
      } else if (this.answerInTurn()) {
        await this.conversation.message(this.portFor(context), turnOf(context), text);
      } else {
        // Acknowledged at once; answered right after, through this turn's own connector client (TeamsPort afterTurn).
        this.conversation.acknowledged(new TeamsPort(this.portOptions, context, { afterTurn: true }), turnOf(context), text);
      }
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      // Welcome once, when the bot itself is added (install), not for every person joining a channel.
      const botAdded = (context.activity.membersAdded ?? []).some((m) => m.id === context.activity.recipient.id);
      if (botAdded) await this.conversation.welcome(this.portFor(context), turnOf(context));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    // One gate for identity: an object id that the channel's token does not vouch for is a claim, and goes.
    if (context.activity.from?.aadObjectId && !objectIdVouched(context.activity, { issuer: issuerOf(context) }, this.trust)) {
      delete context.activity.from.aadObjectId;
    }
    this.references?.remember(context.activity);
    await super.run(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = (invoke.action?.data ?? {}) as Record<string, unknown>;
    const port = this.portFor(context);
    const turn = turnOf(context);
    const card = context.activity.replyToId ? { ...turn.where, messageId: context.activity.replyToId } : undefined;
    switch (invoke.action?.verb) {
      case 'grant': {
        await this.conversation.press(port, turn, data.approvalId, card);
        return port.invokeResponse ? cardResponse(port.invokeResponse) : messageResponse('Approved — granting.');
      }
      case 'refresh': {
        const view = typeof data.approvalId === 'string' ? await this.conversation.current(data.approvalId) : undefined;
        return view ? cardResponse(await port.render(view)) : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: {} };
      }
      case 'check-again': {
        // A new card, so the old findings (and what was approved on them) stay readable above it.
        const decision = await this.conversation.checkAgain(port, turn);
        return messageResponse(
          decision === 'triage'
            ? 'Checking again — the new findings follow below.'
            : 'There is no earlier check in this conversation to repeat. Type "check <cluster> <registry>".',
        );
      }
      case 'provide-target': {
        const part = typeof data.cluster === 'string' ? 'cluster' : typeof data.registry === 'string' ? 'registry' : undefined;
        const value = part ? String(data[part]) : '';
        // The answer replaces the form (for the person answering) with the next step.
        await this.conversation.answer(port, turn, part, value, card);
        if (port.invokeResponse) return cardResponse(port.invokeResponse);
        return messageResponse(card ? 'Checking — this card turns into the findings.' : 'Checking — the findings follow below.');
      }
      default:
        return messageResponse('This button is not known to this bot (it may come from an older version). Type "help".');
    }
  }

  private portFor(context: TurnContext): TeamsPort {
    return new TeamsPort(this.portOptions, context);
  }
}
