/** Assembles the bot's parts; the composition root supplies engine, storage, audit and approvals. */
import type { CloudAdapter, Request, Response, Storage } from 'botbuilder';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import { createAdapter, messagesHandler } from './adapter';
import { ApprovalUi } from './approval-ui';
import type { ApprovalService } from './approvals';
import { BackgroundWork, type Logger } from './background';
import { CardStore } from './card-store';
import { TeamsAlertChannel } from './alert-channel';
import { ConversationReferences } from './conversation-references';
import { approverMris, type BotSettings } from './settings';
import { TriageBot } from './triage-bot';
import { TriageRunner } from './triage-runner';

/**
 * Triages that run at once; more wait their turn. Against real ARM a triage mostly waits on the network,
 * but its evidence, checks and cards cost CPU, and hundreds at once starve turns on a 2-core instance.
 */
const TRIAGE_CONCURRENCY = 16;

export interface BotApp {
  adapter: CloudAdapter;
  bot: TriageBot;
  background: BackgroundWork;
  messages: (req: Request, res: Response) => Promise<void>;
  /** Posts alert cards into the Teams conversations the bot was installed in. */
  alerts: TeamsAlertChannel;
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
}): BotApp {
  const adapter = createAdapter(o.settings, o.log);
  const background = new BackgroundWork(o.log, { laneLimits: { triage: TRIAGE_CONCURRENCY } });
  const cards = new CardStore(o.storage);
  const refreshUserIds = approverMris(o.settings);
  const references = new ConversationReferences(o.storage, {
    trackLatest: o.demo,
    onError: (error) => o.log.warn('conversation reference not kept', { error: error instanceof Error ? error.message : String(error) }),
  });
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
    references,
  });
  const alerts = new TeamsAlertChannel({ adapter, botAppId: o.settings.appId ?? '', references, refreshUserIds });
  return { adapter, bot, background, messages: messagesHandler(adapter, bot), alerts };
}
