/** Assembles the bot's parts; the composition root supplies engine, storage, audit and approvals. */
import type { CloudAdapter, Request, Response, Storage } from 'botbuilder';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import { createAdapter, messagesHandler } from './adapter';
import { ApprovalUi } from './approval-ui';
import type { ApprovalService } from './approvals';
import { BackgroundWork, type Logger } from './background';
import { CardStore } from './card-store';
import { approverMris, type BotSettings } from './settings';
import { TriageBot } from './triage-bot';
import { TriageRunner } from './triage-runner';
import type { WorkScheduler } from '../scheduling/work-scheduler';

export interface BotApp {
  adapter: CloudAdapter;
  bot: TriageBot;
  background: BackgroundWork;
  messages: (req: Request, res: Response) => Promise<void>;
}

export function createBotApp(o: {
  settings: BotSettings;
  engine: TriageEngine;
  storage: Storage;
  audit: AuditLog;
  approvals: ApprovalService;
  log: Logger;
  demo: boolean;
  examples?: string[];
  /** Paces background work on the event loop (also given to the Azure transport and the Slack app). */
  scheduler: WorkScheduler;
}): BotApp {
  const adapter = createAdapter(o.settings, o.log);
  const background = new BackgroundWork(o.log);
  const cards = new CardStore(o.storage);
  const refreshUserIds = approverMris(o.settings);
  const runner = new TriageRunner({
    adapter,
    botAppId: o.settings.appId ?? '',
    engine: o.engine,
    approvals: o.approvals,
    audit: o.audit,
    cards,
    background,
    log: o.log,
    refreshUserIds,
    scheduler: o.scheduler,
  });
  const approvalUi = new ApprovalUi({ approvals: o.approvals, cards, runner, background, log: o.log, refreshUserIds });
  const bot = new TriageBot({
    storage: o.storage,
    runner,
    approvalUi,
    approvals: o.approvals,
    audit: o.audit,
    log: o.log,
    demo: o.demo,
    auditAudience: o.settings.auditAudience,
    examples: o.examples,
  });
  const handle = messagesHandler(adapter, bot);
  // A press of a card button is started before messages still waiting to start, and both before background work.
  const messages = async (req: Request, res: Response): Promise<void> => {
    const body: unknown = req.body;
    const invoke = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'invoke';
    await o.scheduler.wait(invoke ? 'invoke' : 'turn');
    await handle(req, res);
  };
  return { adapter, bot, background, messages };
}
