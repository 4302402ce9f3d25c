/**
 * The Approve button. Acknowledged before anything else (Slack gives 3 s); the presser is the user of
 * Slack's signed payload, never anything the message carries; the button's value is only the approval id.
 * A refusal goes to the presser alone (ephemeral); an accepted press updates the message for everyone,
 * grants after the ack, and updates it again with the outcome and verification.
 */
import type { ApprovalRecord, ApprovalService, Person } from '../bot/approvals';
import type { BackgroundWork, Logger } from '../bot/background';
import type { CardStore } from '../bot/card-store';
import { blocksWithBanner } from '../channels/alert-banner';
import { findingsBlocks, noticeBlocks, type SlackMessage } from '../channels/block-kit';
import type { MessageRef, SlackPoster } from './poster';

export interface GrantPress {
  approvalId: unknown;
  presser: Person;
  /** Where the button was pressed (from the signed payload), for the ephemeral refusal. */
  channel?: string;
  threadTs?: string;
  messageTs?: string;
}

export class SlackGrant {
  constructor(private readonly o: { approvals: ApprovalService; cards: CardStore; background: BackgroundWork; log: Logger }) {}

  async press(poster: SlackPoster, input: GrantPress): Promise<void> {
    const result = await this.o.approvals.press(typeof input.approvalId === 'string' ? input.approvalId.slice(0, 200) : '', input.presser);
    if (result.kind === 'refused') {
      this.o.log.info('grant refused', { reason: result.reason, presser: `slack:${input.presser.id}` });
      if (input.channel) {
        await poster.ephemeral(input.channel, input.presser.id, noticeBlocks({ title: 'Not approved — nothing was changed', text: result.message, tone: 'attention' }), input.threadTs);
      }
      // An expired offer is expired for everyone: take the button away rather than let the next person press it.
      if (result.reason === 'expired' && result.record) await this.show(poster, this.refOf(result.record, input), { ...result.record, state: 'expired' });
      return;
    }
    const record = result.record;
    const ref = this.refOf(record, input);
    this.o.background.run(`slack grant ${record.id}`, async (signal) => {
      await this.show(poster, ref, record);
      const done = await this.o.approvals.execute(record, { signal });
      await this.show(poster, ref, done);
    });
  }

  private refOf(record: ApprovalRecord, input: GrantPress): MessageRef | undefined {
    return messageOf(record) ?? (input.channel && input.messageTs ? { channel: input.channel, ts: input.messageTs } : undefined);
  }

  private async show(poster: SlackPoster, ref: MessageRef | undefined, record: ApprovalRecord): Promise<void> {
    const message = await this.messageFor(record);
    if (!ref || !message) return;
    await poster.update(ref, message).catch((error: unknown) => {
      this.o.log.error('updating the Slack findings message failed', { approvalId: record.id, error: error instanceof Error ? error.message : String(error) });
    });
  }

  private async messageFor(record: ApprovalRecord): Promise<SlackMessage | undefined> {
    const state = await this.o.cards.load(record.id);
    if (!state) return undefined;
    const message = findingsBlocks(state.snapshot, { plan: record.plan, approval: record });
    return state.banner ? blocksWithBanner(message, state.banner) : message;
  }
}

/** The message the approval was offered in, as stored server-side when it was created. */
function messageOf(record: ApprovalRecord): MessageRef | undefined {
  const channel = record.conversation?.channelId === 'slack' ? record.conversation.conversation?.id : undefined;
  return channel && record.activityId ? { channel, ts: record.activityId } : undefined;
}
