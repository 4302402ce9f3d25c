/**
 * Alert cards into Teams: proactive messages through the conversation reference kept when the bot was
 * installed in (or spoken to in) that team, channel or chat. The card is the usual one with the alert on top.
 */
import type { ConversationReference } from 'botbuilder';
import { findingsCard, noticeCard, progressCard, type CardJson } from '../channels/adaptive-card';
import { cardWithBanner } from '../channels/alert-banner';
import { AlertDeliveryError, type AlertChannel, type AlertMessage, type PostedMessage } from '../alerts/port';
import type { Destination } from '../alerts/routing';
import { cardActivity } from './activities';
import type { ConversationReferences } from './conversation-references';
import type { ConversationAdapter } from './triage-runner';

export class TeamsAlertChannel implements AlertChannel {
  constructor(
    private readonly o: { adapter: ConversationAdapter; botAppId: string; references: ConversationReferences; refreshUserIds: readonly string[] },
  ) {}

  async post(destination: Destination, message: AlertMessage): Promise<PostedMessage> {
    const reference = await this.referenceFor(destination);
    let id: string | undefined;
    await this.o.adapter.continueConversationAsync(this.o.botAppId, reference, async (context) => {
      id = (await context.sendActivity(cardActivity(this.render(message))))?.id;
    });
    if (!id) throw new AlertDeliveryError('Teams returned no id for the alert card, so it cannot be updated later');
    return { id, conversation: reference };
  }

  async update(destination: Destination, posted: PostedMessage, message: AlertMessage): Promise<void> {
    await this.o.adapter.continueConversationAsync(this.o.botAppId, posted.conversation, async (context) => {
      await context.updateActivity({ ...cardActivity(this.render(message)), id: posted.id });
    });
  }

  private render(message: AlertMessage): CardJson {
    switch (message.kind) {
      case 'progress':
        return cardWithBanner(progressCard(message.view), message.banner);
      case 'notice':
        return cardWithBanner(noticeCard(message.view), message.banner);
      case 'findings':
        return cardWithBanner(findingsCard(message.snapshot, message.offer ? { ...message.offer, refreshUserIds: this.o.refreshUserIds } : {}), message.banner);
    }
  }

  private async referenceFor(destination: Destination): Promise<Partial<ConversationReference>> {
    if (destination.channel !== 'teams') throw new AlertDeliveryError('not a Teams destination');
    const reference = await this.o.references.get(destination.conversationId);
    if (!reference) {
      throw new AlertDeliveryError(
        `the bot has no conversation reference for Teams conversation ${destination.conversationId}: add the bot to that team or channel (or say something to it there) so it may post`,
      );
    }
    return reference;
  }
}
