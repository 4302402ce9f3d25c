/**
 * The Slack side of the channel port: new messages with chat.postMessage (in the thread the request came
 * from), replacement with chat.update, private answers with chat.postEphemeral. Slack has no per-person
 * card refresh, so the findings message is the same for everyone.
 */
import { askBlocks, auditBlocks, findingsBlocks, helpBlocks, noticeBlocks, progressBlocks, type SlackMessage } from '../channels/block-kit';
import type { MessageLocation, SlackLocation } from '../conversation/location';
import type { ChannelPort, ConversationView, Turn } from '../conversation/port';
import { blocksWithBanner } from '../channels/alert-banner';
import type { SlackPoster } from './poster';

export class SlackPort implements ChannelPort {
  constructor(private readonly poster: SlackPoster) {}

  async post(where: MessageLocation, view: ConversationView): Promise<MessageLocation> {
    const at = slack(where);
    const ref = await this.poster.post(at.conversation, renderBlocks(view), at.threadTs);
    return { channel: 'slack', conversation: ref.channel, ...(at.threadTs ? { threadTs: at.threadTs } : {}), messageTs: ref.ts };
  }

  async replace(at: MessageLocation, view: ConversationView): Promise<void> {
    const location = slack(at);
    if (!location.messageTs) {
      await this.post(location, view);
      return;
    }
    await this.poster.update({ channel: location.conversation, ts: location.messageTs }, renderBlocks(view));
  }

  async answerPrivately(turn: Turn, view: ConversationView): Promise<void> {
    const where = slack(turn.where);
    await this.poster.ephemeral(where.conversation, turn.person.id, renderBlocks(view), where.threadTs);
  }
}

export function renderBlocks(view: ConversationView): SlackMessage {
  const message = render(view);
  return (view.kind === 'findings' || view.kind === 'progress' || view.kind === 'notice') && view.banner
    ? blocksWithBanner(message, view.banner)
    : message;
}

function render(view: ConversationView): SlackMessage {
  switch (view.kind) {
    case 'help':
      return helpBlocks(view.view);
    case 'ask':
      return askBlocks(view.view);
    case 'progress':
      return progressBlocks(view.view);
    case 'findings':
      return findingsBlocks(view.snapshot, view.offer ?? {});
    case 'notice':
    case 'refusal':
      // A refusal is ephemeral: the notice alone, the findings are right above it in the channel.
      return noticeBlocks(view.view);
    case 'audit':
      return auditBlocks(view.view);
  }
}

function slack(location: MessageLocation): SlackLocation {
  if (location.channel !== 'slack') throw new TypeError(`The Slack adapter cannot reach a ${location.channel} message.`);
  return location;
}
