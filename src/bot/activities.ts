/** Small bridges between botbuilder activities and our own shapes. */
import { ActivityTypes, CardFactory, type Activity, type AdaptiveCardInvokeResponse } from 'botbuilder';
import { ADAPTIVE_CARD_CONTENT_TYPE, type CardJson } from '../channels/adaptive-card';
import type { Person } from './approvals';

export function cardActivity(card: CardJson): Partial<Activity> {
  return { type: ActivityTypes.Message, attachments: [CardFactory.adaptiveCard(card)] };
}

/** The person behind an activity, from the channel's authenticated fields only — never from card data. */
export function personOf(activity: Activity): Person {
  return {
    id: activity.from.id,
    ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
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
