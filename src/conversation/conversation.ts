/**
 * The conversation, decided once for every channel: what a message asks for (intent), what is still
 * missing from the target (asked one part at a time), when a triage starts and where its findings go, who
 * may read the audit log, and what a press on the grant button does. Channels hand in authenticated events
 * (a Turn) and a port to show views through; every decision is logged as `decision` with the same words
 * for every channel, so the channels can be held to one behaviour.
 */
import { toAskView, toAuditView, toHelpView, type TargetPart } from '../channels/view-model';
import type { AuditLog } from '../storage/audit';
import type { ApprovalRecord, ApprovalService } from './approvals';
import type { BackgroundWork, Logger } from './background';
import type { CardStore } from './card-store';
import { ConversationState, type ConversationData } from './conversation-state';
import { IntentRouter, intentOf } from './intents';
import type { MessageLocation } from './location';
import type { ChannelPort, ConversationView, FindingsView, Turn } from './port';
import { fromAnswer, fromText, repeat, type DialogStep } from './target-dialog';
import { AUDIT_FOR_APPROVERS, AUDIT_IN_PRIVATE, grantingNotice, messageFailedNotice, NO_EARLIER_CHECK, refusalNotice } from './wording';
import { TriageStarter, type NotAdmitted, type TriageFlowDeps } from './triage-flow';
import { logRef } from '../primitives/log-ref';

export interface ConversationOptions extends TriageFlowDeps {
  state: ConversationState;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  background: BackgroundWork;
  log: Logger;
  demo: boolean;
  auditAudience: 'approvers' | 'everyone';
  /** Example commands for the help view (demo mode names its scenarios). */
  examples?: string[];
}

/** What the core did with an event; the same words whichever channel it came from. */
export type Decision =
  | 'duplicate'
  | 'help'
  | 'welcome'
  | 'ask-cluster'
  | 'ask-registry'
  | 'triage'
  /** A triage that was not started: too many checks wait, or this person started too many this minute. */
  | `triage-refused:${NotAdmitted}`
  | 'audit'
  | 'audit-refused'
  /** The log was asked for in a shared conversation: the asker is told to ask in a private chat. */
  | 'audit-elsewhere'
  | 'press-accepted'
  | `press-refused:${string}`;

const AUDIT_ENTRIES = 15;

interface Context {
  port: ChannelPort;
  turn: Turn;
  decision?: Decision;
}

type Step = { kind: 'repeat-missing' } | { kind: 'step'; step: DialogStep };

function again(data: ConversationData): Step {
  return data.last ? { kind: 'step', step: repeat(data.last) } : { kind: 'repeat-missing' };
}

export class Conversation {
  private readonly router = new IntentRouter<Context>();
  private readonly triage: TriageStarter;

  constructor(private readonly o: ConversationOptions) {
    this.triage = new TriageStarter(o);
    this.router
      .on('help', async (c) => {
        c.decision = 'help';
        await c.port.post(c.turn.where, this.help(false));
      })
      .on('check', async (c, intent) => {
        c.decision = await this.proceed(c, (data) => ({ kind: 'step', step: fromText(intent.text, intent.explicit ? {} : (data.draft ?? {})) }));
      })
      .on('check-again', async (c) => {
        c.decision = await this.proceed(c, again);
      })
      .on('audit', async (c) => {
        c.decision = await this.auditLog(c);
      });
  }

  /** A message to the bot, its @mention already removed by the channel. */
  async message(port: ChannelPort, turn: Turn, text: string): Promise<Decision> {
    const intent = intentOf(text);
    // Help and audit change no state, so their delivery id is claimed without a storage round trip.
    if ((intent.kind === 'help' || intent.kind === 'audit') && !this.o.state.claimReadOnly(turn.conversationKey, turn.eventId))
      return this.decided(turn, 'duplicate');
    const context: Context = { port, turn };
    await this.router.dispatch(context, intent);
    return this.decided(turn, context.decision ?? 'help');
  }

  /**
   * A message handled after its channel's request was answered. Teams gives a request 15 s and Slack 3 s; under
   * a burst, the state write and the progress card of hundreds of messages would hold every request open (and
   * past those limits the channel retries, or tells the person the bot did not answer). It starts once no HTTP
   * answer is owed (the scheduler's message class: a burst is answered first), and until its own answer is out
   * it keeps its place ahead of background work (the scheduler's hold); a failure is said in the conversation,
   * with a reference to the log.
   */
  acknowledged(port: ChannelPort, turn: Turn, text: string): void {
    const release = this.o.scheduler.hold();
    this.o.background.run('message', async (signal) => {
      try {
        await this.o.scheduler.wait('message', signal);
        await this.message(port, turn, text);
      } catch (error) {
        const ref = logRef();
        // Aborted only at shutdown (BackgroundWork.drain): the message was never handled, and can be sent again.
        const shuttingDown = signal.aborted;
        this.o.log.error('message failed', {
          ref,
          channel: turn.channel,
          shuttingDown,
          error: error instanceof Error ? error.message : String(error),
        });
        await port.post(turn.where, { kind: 'notice', view: messageFailedNotice(ref, shuttingDown) }).catch(() => undefined);
      } finally {
        release();
      }
    });
  }

  /** The bot was added to a conversation. */
  async welcome(port: ChannelPort, turn: Turn): Promise<Decision> {
    await port.post(turn.where, this.help(true));
    return this.decided(turn, 'welcome');
  }

  /** "check again", typed or pressed: the last target of this conversation, in a new findings message. */
  async checkAgain(port: ChannelPort, turn: Turn): Promise<Decision> {
    return this.decided(turn, await this.proceed({ port, turn }, again));
  }

  /** The answer to one asked part, from a form (Teams). `form` is the asking message: it becomes the progress. */
  async answer(port: ChannelPort, turn: Turn, part: TargetPart | undefined, value: string, form?: MessageLocation): Promise<Decision> {
    if (!part) {
      const data = await this.o.state.read(turn.conversationKey);
      const asking = data.draft?.asking ?? 'cluster';
      await port.answerPrivately(turn, { kind: 'ask', view: toAskView(asking, { error: 'Type a value, then press Check.' }) });
      return this.decided(turn, asking === 'cluster' ? 'ask-cluster' : 'ask-registry');
    }
    return this.decided(
      turn,
      await this.proceed({ port, turn }, (data) => ({ kind: 'step', step: fromAnswer(part, value, data.draft ?? {}) }), form),
    );
  }

  /** The grant button. `rawId` is what the button carried; `pressedOn` is the message it is on, per the channel. */
  async press(port: ChannelPort, turn: Turn, rawId: unknown, pressedOn?: MessageLocation): Promise<Decision> {
    const result = await this.o.approvals.press(rawId, turn.person);
    if (result.kind === 'refused') {
      this.o.log.info('grant refused', {
        reason: result.reason,
        channel: turn.channel,
        presser: turn.person.aadObjectId ?? `${turn.person.channel}:${turn.person.id}`,
      });
      const record = result.record && result.reason === 'expired' ? { ...result.record, state: 'expired' as const } : result.record;
      const findings = record ? await this.findingsFor(record) : undefined;
      // An expired offer is expired for everyone: the button goes away for all, not only for this presser.
      const at = record?.location ?? pressedOn;
      if (result.reason === 'expired' && findings && at) await this.replaceQuietly(port, at, findings, record?.id);
      await port.answerPrivately(turn, { kind: 'refusal', view: refusalNotice(result.reason, result.record, turn.person), findings });
      return this.decided(turn, `press-refused:${result.reason}`);
    }
    const record = result.record;
    const at = record.location ?? pressedOn;
    const approved = await this.findingsFor(record);
    if (approved && at) await this.replaceQuietly(port, at, approved, record.id);
    else await port.answerPrivately(turn, { kind: 'notice', view: grantingNotice(turn.person, record) });
    this.o.background.run(`grant ${record.id}`, async (signal) => {
      const done = await this.o.approvals.execute(record, { signal });
      const view = await this.findingsFor(done);
      if (view && at) await this.replaceQuietly(port, at, view, record.id);
    });
    return this.decided(turn, 'press-accepted');
  }

  /** Shows an approval's state on its findings message, for everyone (a grant finished outside any turn). */
  async showApproval(port: ChannelPort, record: ApprovalRecord): Promise<void> {
    const view = await this.findingsFor(record);
    if (view && record.location) await port.replace(record.location, view);
  }

  /** The findings of an approval as they stand now (Teams asks for this on refresh); undefined if unknown. */
  async current(approvalId: string): Promise<FindingsView | undefined> {
    const record = await this.o.approvals.get(approvalId);
    return record ? this.findingsFor(record) : undefined;
  }

  /** One view per kind of help, made on first use: the channel renders each once (adaptive-card.ts helpCard). */
  private readonly helpViews = new Map<boolean, ConversationView>();

  private help(welcome: boolean): ConversationView {
    let view = this.helpViews.get(welcome);
    if (!view) {
      view = { kind: 'help', view: toHelpView({ welcome, demo: this.o.demo, examples: this.o.examples }) };
      this.helpViews.set(welcome, view);
    }
    return view;
  }

  /**
   * The log names principals, scopes and other people's requests (from their private chats too), so it is
   * shown to the asker alone: ephemeral where the channel can, else only in a one-to-one chat.
   */
  private async auditLog(c: Context): Promise<Decision> {
    if (this.o.auditAudience === 'approvers' && !this.o.approvals.isApprover(c.turn.person)) {
      await c.port.answerPrivately(c.turn, { kind: 'notice', view: AUDIT_FOR_APPROVERS });
      return 'audit-refused';
    }
    if (!c.turn.privateAnswers) {
      await c.port.post(c.turn.where, { kind: 'notice', view: AUDIT_IN_PRIVATE });
      return 'audit-elsewhere';
    }
    await c.port.answerPrivately(c.turn, { kind: 'audit', view: toAuditView(await this.o.audit.recent(AUDIT_ENTRIES), AUDIT_ENTRIES) });
    return 'audit';
  }

  /**
   * One decision and one conditional write of the conversation state (claiming the event id), then what it
   * shows: a question, or a triage whose progress replaces `form` when there is one.
   */
  private async proceed(c: Context, next: (data: ConversationData) => Step, form?: MessageLocation): Promise<Decision> {
    const outcome = await this.o.state.decide<Step>(c.turn.conversationKey, c.turn.eventId, (data) => {
      const step = next(data);
      if (step.kind === 'repeat-missing') return { data: { ...data, draft: { asking: 'cluster' } }, result: step };
      if (step.step.kind === 'ask') return { data: { ...data, draft: step.step.draft }, result: step };
      return { data: { draft: undefined, last: step.step.refs }, result: step };
    });
    if (outcome === 'duplicate') return 'duplicate';
    const step = outcome.result;
    if (step.kind === 'repeat-missing') {
      await c.port.post(c.turn.where, { kind: 'ask', view: toAskView('cluster', { error: NO_EARLIER_CHECK }) });
      return 'ask-cluster';
    }
    if (step.step.kind === 'ask') {
      const view: ConversationView = {
        kind: 'ask',
        view: toAskView(step.step.part, { known: step.step.known, error: step.step.error, understood: step.step.understood }),
      };
      if (form) await c.port.answerPrivately(c.turn, view);
      else await c.port.post(c.turn.where, view);
      return step.step.part === 'cluster' ? 'ask-cluster' : 'ask-registry';
    }
    const refused =
      step.step.kind === 'cluster'
        ? await this.triage.startCluster(c.port, {
            cluster: step.step.cluster,
            label: step.step.refs.cluster,
            requester: c.turn.person,
            where: c.turn.where,
            replace: form,
          })
        : await this.triage.start(c.port, {
            target: step.step.target,
            refs: step.step.refs,
            requester: c.turn.person,
            where: c.turn.where,
            replace: form,
            pasted: step.step.pasted,
          });
    return refused ? `triage-refused:${refused}` : 'triage';
  }

  private async findingsFor(record: ApprovalRecord): Promise<FindingsView | undefined> {
    const state = await this.o.cards.load(record.id);
    return state
      ? {
          kind: 'findings',
          snapshot: state.snapshot,
          offer: { plan: record.plan, approval: record },
          ...(state.banner ? { banner: state.banner } : {}),
        }
      : undefined;
  }

  private async replaceQuietly(port: ChannelPort, at: MessageLocation, view: ConversationView, approvalId?: string): Promise<void> {
    await port.replace(at, view).catch((error: unknown) => {
      this.o.log.error('updating the findings message failed', { approvalId, error: error instanceof Error ? error.message : String(error) });
    });
  }

  private decided(turn: Turn, decision: Decision): Decision {
    this.o.log.info('decision', { channel: turn.channel, decision, ...(turn.eventId ? { eventId: turn.eventId.slice(0, 80) } : {}) });
    return decision;
  }
}
