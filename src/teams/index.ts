/**
 * The Teams channel: botbuilder's CloudAdapter and activity handler around the conversation core. All of
 * botbuilder stays in this folder; the rest of the app sees `TeamsApp` and an HTTP handler.
 */
import type { CloudAdapter, Request, Response } from 'botbuilder';
import type { Conversation } from '../conversation/conversation';
import type { Logger } from '../conversation/background';
import type { ChannelPort } from '../conversation/port';
import type { TeamsTrustPolicy } from '../authority/teams-trust';
import { approverMris, type BotSettings } from '../settings';
import { createAdapter, messagesHandler } from './adapter';
import { TeamsPort } from './port';
import { TriageBot } from './triage-bot';

export interface TeamsApp {
  adapter: CloudAdapter;
  bot: TriageBot;
  messages: (req: Request, res: Response) => Promise<void>;
  /** A port outside any turn (work that starts on its own): it reaches stored Teams conversations. */
  port: () => ChannelPort;
}

export function createTeamsApp(o: {
  settings: BotSettings;
  conversation: Conversation;
  log: Logger;
  /** Who may reach the bot and whose object id counts (src/authority/teams-trust.ts). */
  trust: TeamsTrustPolicy;
  /** Longest one card update through the Bot Connector may take (default CONNECTOR_CALL_TIMEOUT_MS). */
  connectorTimeoutMs?: number;
}): TeamsApp {
  const adapter = createAdapter(o.settings, o.log);
  const portOptions = {
    adapter,
    botAppId: o.settings.appId ?? '',
    log: o.log,
    refreshUserIds: approverMris(o.settings),
    connectorTimeoutMs: o.connectorTimeoutMs,
  };
  const bot = new TriageBot(o.conversation, portOptions, o.trust);
  return { adapter, bot, messages: messagesHandler(adapter, bot, o.trust), port: () => new TeamsPort(portOptions) };
}
