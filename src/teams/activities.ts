/** Small bridges between botbuilder activities and our own shapes. */
import { ActivityTypes, CardFactory, type Activity, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { ADAPTIVE_CARD_CONTENT_TYPE, type CardJson } from '../channels/adaptive-card';
import type { Person } from '../conversation/approvals';

export function cardActivity(card: CardJson): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)] };
}

/**
 * Channels whose connector sets `from.aadObjectId` itself: Teams, and the Bot Framework Emulator (which reaches
 * an authenticated bot only with the bot's own credentials). Web Chat and Direct Line clients write their own
 * `from`, so an object id there is a claim, not an identity, and never makes anyone an approver.
 */
const ENTRA_IDENTITY_CHANNELS = new Set(['msteams', 'emulator']);

/** The person behind an activity, from the channel's authenticated fields only — never from card data. */
export function personOf(activity: Activity): Person {
  const vouched =
    ENTRA_IDENTITY_CHANNELS.has(activity.channelId) && typeof activity.from.aadObjectId === 'string' && activity.from.aadObjectId !== '';
  return {
    id: activity.from.id,
    ...(vouched ? { aadObjectId: activity.from.aadObjectId } : {}),
    ...(activity.from.name ? { name: activity.from.name } : {}),
    channel: activity.channelId,
  };
}

export function cardResponse(card: CardJson): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: card };
}

export function messageResponse(text: string): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}
