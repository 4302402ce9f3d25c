/**
 * What people say to the bot in Slack (an @mention in a channel, or a direct message): the same intents and
 * the same target dialog as Teams, one thin handler per intent. Conversation state (the target draft and
 * the last target) lives in the shared storage, per Slack conversation, so any instance can continue it.
 */
import type { ApprovalService, ApprovalServiceOptions, Person } from '../bot/approvals';
import { IntentRouter, intentOf } from '../bot/intents';
import { fromAnswer, fromText, type DialogStep, type TargetDraft } from '../bot/target-dialog';
import { askBlocks, auditBlocks, helpBlocks, noticeBlocks } from '../channels/block-kit';
import { toAskView, toAuditView, toHelpView } from '../channels/view-model';
import type { AuditLog } from '../storage/audit';
import type { SlackPoster } from './poster';
import type { SlackTriage } from './triage';

/** The shared durable storage (file or Blob), the same the approvals use; botbuilder stays out of src/slack. */
type Storage = ApprovalServiceOptions['storage'];

/** One message to the bot, from Slack's signed event. */
export interface SlackTurn {
  poster: SlackPoster;
  team: string;
  channel: string;
  /** Replies go to the thread the person wrote in, if any. */
  threadTs?: string;
  person: Person;
}

interface ConversationData {
  draft?: TargetDraft;
  last?: { cluster: string; registry: string };
}

const AUDIT_ENTRIES = 15;

/** `<@U0BOT> check …` → `check …`: only what follows the mention is the request. */
export function withoutMentions(text: string): string {
  return text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/gi, ' ').replace(/\s+/g, ' ').trim();
}

export class SlackConversation {
  private readonly router = new IntentRouter<SlackTurn>();

  constructor(
    private readonly o: {
      storage: Storage;
      triage: SlackTriage;
      approvals: ApprovalService;
      audit: AuditLog;
      demo: boolean;
      auditAudience: 'approvers' | 'everyone';
      examples?: string[];
    },
  ) {
    this.router
      .on('help', async (turn) => {
        await turn.poster.post(turn.channel, helpBlocks(toHelpView({ welcome: false, demo: o.demo, examples: o.examples })), turn.threadTs);
      })
      .on('check', async (turn, intent) => {
        const data = await this.load(turn);
        await this.proceed(turn, data, fromText(intent.text, intent.explicit ? {} : data.draft ?? {}));
      })
      .on('check-again', async (turn) => {
        const data = await this.load(turn);
        if (!data.last) {
          await this.save(turn, { ...data, draft: { asking: 'cluster' } });
          await turn.poster.post(turn.channel, askBlocks(toAskView('cluster', { error: 'There is no earlier check in this conversation to repeat.' })), turn.threadTs);
          return;
        }
        await this.proceed(turn, data, fromAnswer('registry', data.last.registry, { cluster: data.last.cluster }));
      })
      .on('audit', async (turn) => {
        if (o.auditAudience === 'approvers' && !o.approvals.isApprover(turn.person)) {
          await turn.poster.post(
            turn.channel,
            noticeBlocks({
              title: 'The audit log is for approvers',
              text: 'It names principals, scopes and who approved what, so only people in TRIAGE_APPROVERS can list it here. On the bot host, run "aks-registry-triage audit".',
              tone: 'warning',
            }),
            turn.threadTs,
          );
          return;
        }
        await turn.poster.post(turn.channel, auditBlocks(toAuditView(await o.audit.recent(AUDIT_ENTRIES), AUDIT_ENTRIES)), turn.threadTs);
      });
  }

  async handle(turn: SlackTurn, text: string): Promise<void> {
    await this.router.dispatch(turn, intentOf(withoutMentions(text)));
  }

  private async proceed(turn: SlackTurn, data: ConversationData, step: DialogStep): Promise<void> {
    if (step.kind === 'ask') {
      await this.save(turn, { ...data, draft: step.draft });
      await turn.poster.post(turn.channel, askBlocks(toAskView(step.part, { known: step.known, error: step.error, understood: step.understood })), turn.threadTs);
      return;
    }
    await this.save(turn, { draft: undefined, last: step.refs });
    await this.o.triage.start(turn.poster, { channel: turn.channel, threadTs: turn.threadTs, target: step.target, refs: step.refs, requester: turn.person, pasted: step.pasted });
  }

  private key(turn: SlackTurn): string {
    return `slack/conversations/${turn.team}/${turn.channel}/${turn.threadTs ?? ''}`;
  }

  private async load(turn: SlackTurn): Promise<ConversationData> {
    const key = this.key(turn);
    const item: unknown = (await this.o.storage.read([key]))[key];
    if (!item || typeof item !== 'object') return {};
    const { draft, last } = item as ConversationData;
    return { draft, last };
  }

  private async save(turn: SlackTurn, data: ConversationData): Promise<void> {
    await this.o.storage.write({ [this.key(turn)]: { ...data, eTag: '*' } });
  }
}
