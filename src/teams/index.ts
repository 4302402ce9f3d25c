/**
 * The Teams channel: botbuilder's CloudAdapter and activity handler around the conversation core. All of
 * botbuilder stays in this folder; the rest of the app sees `TeamsApp` and an HTTP handler.
 */
import type { Request, Response } from 'botbuilder';
import type { Conversation } from '../conversation/conversation';
import type { Logger } from '../conversation/background';
import type { ChannelPort } from '../conversation/port';
import type { TeamsTrustPolicy } from '../authority/teams-trust';
import { isGuid } from '../primitives/guid';
import type { BotSettings } from '../settings';
import { ApproverRoster } from './approver-roster';
import { createAdapter, messagesHandler, type TriageAdapter } from './adapter';
import { TeamsPort } from './port';
import { TriageBot } from './triage-bot';
import type { WorkScheduler } from '../scheduling/work-scheduler';
import { ConversationReferences, type ReferenceStore } from './conversation-references';
import type { MessageLocation } from '../conversation/location';

export interface TeamsApp {
  adapter: TriageAdapter;
  bot: TriageBot;
  messages: (req: Request, res: Response) => Promise<void>;
  /** A port outside any turn (work that starts on its own): it reaches stored Teams conversations. */
  port: () => ChannelPort;
  /** Where a Teams conversation the bot was installed in (or spoken to in) is; undefined when it never was. */
  locate: (conversationId: string) => Promise<MessageLocation | undefined>;
}

export function createTeamsApp(o: {
  settings: BotSettings;
  conversation: Conversation;
  log: Logger;
  store: ReferenceStore;
  demo: boolean;
  scheduler: WorkScheduler;
  /** Who may reach the bot and whose object id counts (src/authority/teams-trust.ts). */
  trust: TeamsTrustPolicy;
  /** Longest one card update through the Bot Connector may take (default CONNECTOR_CALL_TIMEOUT_MS). */
  connectorTimeoutMs?: number;
}): TeamsApp {
  const adapter = createAdapter(o.settings, o.log);
  // Teams knows approvers by Entra object id; Slack approvers (`slack:…`) have no place in a Teams roster.
  const roster = new ApproverRoster({ approvers: o.settings.approvers.filter((a) => isGuid(a)), log: o.log });
  const portOptions = { adapter, botAppId: o.settings.appId ?? '', log: o.log, roster, connectorTimeoutMs: o.connectorTimeoutMs };
  const references = new ConversationReferences(o.store, {
    trackLatest: o.demo,
    paced: (write) => o.scheduler.storage('bookkeeping', write),
    onError: (error) => o.log.warn('conversation reference not kept', { error: error instanceof Error ? error.message : String(error) }),
  });
  const bot = new TriageBot(o.conversation, portOptions, o.trust, references, () => o.scheduler.quiet());
  const handle = messagesHandler(adapter, bot, o.trust);
  // A press of a card button starts before messages still waiting to start; background work waits for both to be answered.
  const messages = async (req: Request, res: Response): Promise<void> => {
    const body: unknown = req.body;
    const invoke = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'invoke';
    const done = await o.scheduler.foreground(invoke ? 'invoke' : 'turn');
    try {
      await handle(req, res);
    } finally {
      done();
    }
  };
  return {
    adapter,
    bot,
    messages,
    port: () => new TeamsPort(portOptions),
    locate: async (conversationId) => {
      const reference = await references.get(conversationId);
      return reference ? { channel: 'teams', reference: reference as Record<string, unknown> } : undefined;
    },
  };
}
