/**
 * What the alert core needs from the channels: a channel port outside any turn per channel (the same port
 * a conversation uses: post, replace), and where a destination is, in that channel's own location form.
 */
import type { ChannelName, MessageLocation } from '../conversation/location';
import type { ChannelPort } from '../conversation/port';
import type { Destination } from './routing';

export interface AlertDelivery {
  /** The channel's port for work without a turn; absent when the channel is not configured on this bot. */
  ports: Partial<Record<ChannelName, ChannelPort>>;
  /** The conversation a destination names; AlertDeliveryError when the bot cannot post there. */
  locate(destination: Destination): Promise<MessageLocation>;
}

/** The destination cannot be posted to (bot not installed there, channel not configured); said in the record. */
export class AlertDeliveryError extends Error {
  readonly code = 'AlertDeliveryFailed';
  constructor(message: string) {
    super(message);
    this.name = 'AlertDeliveryError';
  }
}

/** The id a channel gave a message (Teams activity id, Slack ts), to tell an incident's cards apart. */
export function messageIdOf(at: MessageLocation): string {
  return (at.channel === 'teams' ? at.messageId : at.messageTs) ?? '';
}
