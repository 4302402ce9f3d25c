/**
 * The grant button and the approver view. The invoke is answered at once (press() makes no Azure call);
 * the grant itself runs after the turn and the card is then updated for everyone. Who pressed comes from
 * the authenticated activity; the card only says which approval.
 */
import type { AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import { findingsCard, noticeCard, type CardJson } from '../channels/adaptive-card';
import { cardWithBanner } from '../channels/alert-banner';
import type { ApprovalSnapshot } from '../channels/view-model';
import type { ApprovalRecord, ApprovalService } from './approvals';
import { cardResponse, personOf } from './activities';
import type { BackgroundWork, Logger } from './background';
import type { CardStore } from './card-store';
import type { TriageRunner } from './triage-runner';

export interface ApprovalUiOptions {
  approvals: ApprovalService;
  cards: CardStore;
  runner: TriageRunner;
  background: BackgroundWork;
  log: Logger;
  refreshUserIds: readonly string[];
  now?: () => Date;
}

export class ApprovalUi {
  constructor(private readonly o: ApprovalUiOptions) {}

  async press(context: TurnContext, approvalId: string): Promise<AdaptiveCardInvokeResponse> {
    const presser = personOf(context.activity);
    const result = await this.o.approvals.press(approvalId, presser);
    if (result.kind === 'refused') {
      this.o.log.info('grant refused', { reason: result.reason, presser: presser.aadObjectId ?? presser.id });
      // The invoke answer is seen by the presser only: the card stays as it was for everyone else.
      const notice = { title: 'Not approved — nothing was changed', text: result.message, tone: 'attention' as const };
      const record = result.record && result.reason === 'expired' ? { ...result.record, state: 'expired' as const } : result.record;
      return cardResponse((record && (await this.cardFor(record, notice))) ?? noticeCard(notice));
    }
    const record = result.record;
    const approved = await this.cardFor(record);
    this.o.background.run(`grant ${record.id}`, async (signal) => {
      await this.showToAll(record, approved);
      const done = await this.o.approvals.execute(record, { signal });
      await this.showToAll(done, await this.cardFor(done));
    });
    return cardResponse(
      approved ??
        noticeCard({ title: `Approved by ${presser.name ?? presser.id} — granting`, text: `Granting ${record.plan.roleName} to ${record.plan.principalName} on ${record.plan.registryName}.`, tone: 'good' }),
    );
  }

  /** Teams asks for the approver's live view (refresh.userIds); other clients never call this. */
  async refresh(approvalId: string): Promise<AdaptiveCardInvokeResponse> {
    const record = await this.o.approvals.get(approvalId);
    const card = record ? await this.cardFor(this.withExpiry(record)) : undefined;
    return card ? cardResponse(card) : { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: {} };
  }

  private withExpiry(record: ApprovalRecord): ApprovalRecord {
    const now = (this.o.now ?? (() => new Date()))();
    return record.state === 'pending' && new Date(record.expiresAt) <= now ? { ...record, state: 'expired' } : record;
  }

  private async cardFor(record: ApprovalRecord, notice?: { title: string; text: string; tone: 'attention' }): Promise<CardJson | undefined> {
    const state = await this.o.cards.load(record.id);
    if (!state) return undefined;
    const approval: ApprovalSnapshot = record;
    const findings = findingsCard(state.snapshot, { plan: record.plan, approval, refreshUserIds: this.o.refreshUserIds });
    const card = state.banner ? cardWithBanner(findings, state.banner) : findings;
    if (!notice) return card;
    const body = Array.isArray(card.body) ? card.body : [];
    const banner = noticeCard(notice).body;
    const elements = Array.isArray(banner) ? banner : [];
    // Top and bottom: clients keep the view at the bottom of a tall card, next to the button just pressed.
    return { ...card, body: [...elements, ...body, ...structuredClone(elements)] };
  }

  private async showToAll(record: ApprovalRecord, card: CardJson | undefined): Promise<void> {
    if (!card || !record.conversation) return;
    await this.o.runner.show(record.conversation, record.activityId, card);
  }
}
