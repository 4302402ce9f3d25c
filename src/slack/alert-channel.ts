/** Alert messages into Slack: chat.postMessage to the channel id, chat.update afterwards. */
import type { webApi } from '@slack/bolt';
import { AlertDeliveryError, type AlertChannel, type AlertMessage, type PostedMessage } from '../alerts/port';
import type { Destination } from '../alerts/routing';
import { blocksWithBanner } from '../channels/alert-banner';
import { findingsBlocks, noticeBlocks, progressBlocks, type SlackMessage } from '../channels/block-kit';
import { SlackPoster } from './poster';
import { slackReference } from './triage';

export class SlackAlertChannel implements AlertChannel {
  private readonly poster: SlackPoster;

  constructor(client: webApi.WebClient) {
    this.poster = new SlackPoster(client);
  }

  async post(destination: Destination, message: AlertMessage): Promise<PostedMessage> {
    if (destination.channel !== 'slack') throw new AlertDeliveryError('not a Slack destination');
    const ref = await this.poster.post(destination.channelId, render(message));
    return { id: ref.ts, conversation: slackReference(ref) };
  }

  async update(_destination: Destination, posted: PostedMessage, message: AlertMessage): Promise<void> {
    const channel = posted.conversation.conversation?.id;
    if (!channel) throw new AlertDeliveryError('the Slack message has no channel');
    await this.poster.update({ channel, ts: posted.id }, render(message));
  }
}

function render(message: AlertMessage): SlackMessage {
  switch (message.kind) {
    case 'progress':
      return blocksWithBanner(progressBlocks(message.view), message.banner);
    case 'notice':
      return blocksWithBanner(noticeBlocks(message.view), message.banner);
    case 'findings':
      return blocksWithBanner(findingsBlocks(message.snapshot, message.offer ?? {}), message.banner);
  }
}
