/**
 * The Teams side of the channel port. Within a turn a new message is sent on the turn itself; outside one
 * (a port made without a turn, for work that starts on its own) and for every replacement, the port goes
 * through `continueConversationAsync` with the stored conversation reference, which works after the turn
 * too (triage and grant finish after it). In a card-button turn (an invoke) the answer to the presser is
 * the invoke response: a card seen by the presser alone, shown at once.
 */
import { ActivityTypes, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import type { MessageLocation, TeamsLocation } from '../conversation/location';
import type { Logger } from '../conversation/background';
import type { ChannelPort, ConversationView, Turn } from '../conversation/port';
import { withinDeadline } from '../limits/deadline';
import { personOf, cardActivity } from './activities';
import type { ApproverRoster } from './approver-roster';
import { renderCard, type CardJson } from './render';

/** The part of CloudAdapter the port uses. */
export interface ConversationAdapter {
  continueConversationAsync(
    botAppId: string,
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

/**
 * The part of botbuilder's connector client (the one the adapter made for a turn) the port uses once that
 * turn has been acknowledged: creating another per message (continueConversationAsync makes a connector
 * client and a user-token client each time) doubled the per-message cost of the reply.
 */
interface TurnConnector {
  conversations: {
    replyToActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
    sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
    updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  };
}

export interface TeamsPortOptions {
  adapter: ConversationAdapter;
  botAppId: string;
  log: Logger;
  /** The approvers' Teams user ids per conversation: who gets the live view of a findings card (refresh.userIds). */
  roster: ApproverRoster;
  /** Longest one call through the Bot Connector outside the turn may take (default CONNECTOR_CALL_TIMEOUT_MS). */
  connectorTimeoutMs?: number;
}

/**
 * Longest a card update through the Bot Connector may take, its own retries included. botbuilder's connector
 * client has no timeout and replaces any request policy it is given, so the deadline is kept here: a
 * connector that never answers must not hold a triage slot or a grant's card update for good.
 */
export const CONNECTOR_CALL_TIMEOUT_MS = 30_000;

/** The Turn the core sees for an activity: identity from the authenticated activity only. */
export function turnOf(context: TurnContext): Turn {
  const activity = context.activity;
  return {
    channel: 'teams',
    person: personOf(activity),
    where: { channel: 'teams', reference: TurnContext.getConversationReference(activity) },
    conversationKey: `teams/${activity.channelId}/${activity.conversation.id}`,
    ...(activity.id ? { eventId: activity.id } : {}),
    // Only a one-to-one chat is the person alone; a channel or group chat shows every answer to everyone.
    privateAnswers: activity.conversation.conversationType === 'personal' && !activity.conversation.isGroup,
  };
}

export class TeamsPort implements ChannelPort {
  /** What an invoke turn answers with, when the core answered the presser. */
  invokeResponse?: CardJson;
  /** Read now: the context is revoked when the turn ends, and replace() runs after it too. */
  private readonly invoke: boolean;
  private readonly pressedMessageId?: string;
  /** The approvers' ids in this turn's conversation, asked for while the turn is live (it carries the team). */
  private readonly turnRefreshIds?: Promise<readonly string[]>;

  private readonly context?: TurnContext;
  /** The acknowledged turn's connector client, for sending after the turn. */
  private readonly turnConnector?: TurnConnector;

  /**
   * `context` is the turn this port answers; without one the port only reaches stored conversations. With
   * `afterTurn` the port answers a turn already acknowledged: it sends nothing on the turn (its context is
   * revoked by then) but keeps what only the live turn could tell (the team, for the approvers' ids).
   */
  constructor(
    private readonly o: TeamsPortOptions,
    context?: TurnContext,
    options: { afterTurn?: boolean } = {},
  ) {
    this.context = options.afterTurn ? undefined : context;
    this.turnConnector = options.afterTurn ? context?.turnState.get<TurnConnector | undefined>(context.adapter.ConnectorClientKey) : undefined;
    this.invoke = this.context?.activity.type === ActivityTypes.Invoke;
    this.pressedMessageId = this.context?.activity.replyToId;
    this.turnRefreshIds = context ? o.roster.mris(context) : undefined;
  }

  /**
   * The card of a view. `continued` is a live context of a continued conversation; without it the turn's
   * lookup is used (the turn's context is revoked once the turn ends, and this port outlives it).
   */
  async render(view: ConversationView, continued?: TurnContext): Promise<CardJson> {
    // Only a card that offers a grant carries refresh.
    const offers = (view.kind === 'findings' && view.offer) || (view.kind === 'refusal' && view.findings?.offer);
    const lookup = this.turnRefreshIds ?? (continued ? this.o.roster.mris(continued) : undefined);
    return renderCard(view, offers && lookup ? await lookup : []);
  }

  async post(where: MessageLocation, view: ConversationView): Promise<MessageLocation> {
    let reference = teams(where).reference;
    let sentId: string | undefined;
    if (this.context) {
      const context = this.context;
      // No typing indicator before a progress card: the card follows at once and replaces it, so under a
      // burst it would only cost every check turn one more send.
      sentId = (await context.sendActivity(cardActivity(await this.render(view))))?.id;
      reference = TurnContext.getConversationReference(context.activity);
    } else if (this.turnConnector) {
      sentId = (await this.afterTurn(this.turnConnector, teams(where).reference, await this.render(view))).id;
    } else {
      await this.outsideTurn(reference, async (context) => {
        sentId = (await context.sendActivity(cardActivity(await this.render(view, context))))?.id;
      });
    }
    if (!sentId) this.o.log.warn('the channel returned no activity id; later updates will be sent as new messages');
    return { channel: 'teams', reference, ...(sentId ? { messageId: sentId } : {}) };
  }

  async replace(at: MessageLocation, view: ConversationView): Promise<void> {
    const location = teams(at);
    if (this.turnConnector) {
      await this.afterTurn(this.turnConnector, location.reference, await this.render(view), location.messageId);
      return;
    }
    // In a turn the card is ready before the connector is called, so the invoke can answer even if the update fails.
    const ready = this.context ? await this.render(view) : undefined;
    if (ready && this.invoke && location.messageId && location.messageId === this.pressedMessageId) this.invokeResponse = ready;
    await this.outsideTurn(location.reference, async (context) => {
      const card = ready ?? (await this.render(view, context));
      if (location.messageId) await context.updateActivity({ ...cardActivity(card), id: location.messageId });
      else await context.sendActivity(cardActivity(card));
    });
  }

  /**
   * Sends (or, with `messageId`, updates) a card through the acknowledged turn's connector client, addressed
   * as the adapter would address it (TurnContext.applyConversationReference), within the same deadline.
   */
  private async afterTurn(
    connector: TurnConnector,
    reference: TeamsLocation['reference'],
    card: CardJson,
    messageId?: string,
  ): Promise<{ id?: string }> {
    const activity = TurnContext.applyConversationReference(cardActivity(card), reference as Partial<ConversationReference>);
    const conversationId = activity.conversation?.id ?? '';
    const call = messageId
      ? connector.conversations.updateActivity(conversationId, messageId, { ...activity, id: messageId })
      : activity.replyToId
        ? connector.conversations.replyToActivity(conversationId, activity.replyToId, activity)
        : connector.conversations.sendToConversation(conversationId, activity);
    return withinDeadline(call, this.o.connectorTimeoutMs ?? CONNECTOR_CALL_TIMEOUT_MS, 'the Bot Connector (card update)');
  }

  private async outsideTurn(reference: TeamsLocation['reference'], logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const call = this.o.adapter.continueConversationAsync(this.o.botAppId, reference as Partial<ConversationReference>, logic);
    await withinDeadline(call, this.o.connectorTimeoutMs ?? CONNECTOR_CALL_TIMEOUT_MS, 'the Bot Connector (card update)');
  }

  async answerPrivately(_turn: Turn, view: ConversationView): Promise<void> {
    // Teams shows a card to one person only as the answer to their own button press.
    if (this.invoke) this.invokeResponse = await this.render(view);
    else await this.post(_turn.where, view);
  }
}

function teams(location: MessageLocation): TeamsLocation {
  if (location.channel !== 'teams') throw new TypeError(`The Teams adapter cannot reach a ${location.channel} message.`);
  return location;
}
