/** Assembles the bot's parts; the composition root supplies engine, storage, audit and approvals. */
import type { CloudAdapter, Request, Response, Storage } from 'botbuilder';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import type { TeamsTrustPolicy } from '../authority/teams-trust';
import { DEFAULT_QUEUE_LIMIT, DEFAULT_RATE_PER_MINUTE, TriageAdmission, type AdmissionSettings } from '../limits/admission';
import { createAdapter, messagesHandler } from './adapter';
import { ApprovalUi } from './approval-ui';
import type { ApprovalRecord, ApprovalService } from './approvals';
import { BackgroundWork, type Logger } from './background';
import { CardStore } from './card-store';
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
  admission: TriageAdmission;
  /** Updates an approval's card with its current state (after a recovered grant). */
  showApproval: (record: ApprovalRecord) => Promise<void>;
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
  trust: TeamsTrustPolicy;
  admission?: AdmissionSettings;
  /** Longest one card update through the Bot Connector may take (default CONNECTOR_CALL_TIMEOUT_MS). */
  connectorTimeoutMs?: number;
}): BotApp {
  const adapter = createAdapter(o.settings, o.log);
  const background = new BackgroundWork(o.log, { laneLimits: { triage: TRIAGE_CONCURRENCY } });
  // One admission for every channel: the queue and a person's rate are the same whichever way they ask.
  const admission = new TriageAdmission(o.admission ?? { perPersonPerMinute: DEFAULT_RATE_PER_MINUTE, queueLimit: DEFAULT_QUEUE_LIMIT }, () => background.waiting('triage'));
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
    admission,
    connectorTimeoutMs: o.connectorTimeoutMs,
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
    trust: o.trust,
  });
  return { adapter, bot, background, admission, showApproval: (record) => approvalUi.showOutcome(record), messages: messagesHandler(adapter, bot, o.trust) };
}
