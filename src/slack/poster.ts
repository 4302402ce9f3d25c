/**
 * The three Web API calls the Slack app makes, with the message shape the Block Kit renderer produces.
 * Where a message is: channel + ts (Slack's id of a message), which is what the approval record keeps.
 */
import type { webApi } from '@slack/bolt';
import type { SlackMessage } from '../channels/block-kit';

export interface MessageRef {
  channel: string;
  ts: string;
}

export class SlackPoster {
  constructor(private readonly client: webApi.WebClient) {}

  async post(channel: string, message: SlackMessage, threadTs?: string): Promise<MessageRef> {
    const result = await this.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    if (!result.ts) throw new Error(`chat.postMessage to ${channel} returned no ts`);
    return { channel: result.channel ?? channel, ts: result.ts };
  }

  /** Replaces the message for everyone in the conversation. */
  async update(ref: MessageRef, message: SlackMessage): Promise<void> {
    await this.client.chat.update({ channel: ref.channel, ts: ref.ts, text: message.text, blocks: message.blocks });
  }

  /** Seen by `user` alone, in `channel`; nobody else's view changes. */
  async ephemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void> {
    await this.client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks, ...(threadTs ? { thread_ts: threadTs } : {}) });
  }
}
