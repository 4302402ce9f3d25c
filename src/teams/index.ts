/**
 * The Teams channel: botbuilder's CloudAdapter and activity handler around the conversation core. All of
 * botbuilder stays in this folder; the rest of the app sees `TeamsApp` and an HTTP handler.
 */
import type { CloudAdapter, Request, Response } from 'botbuilder';
import type { Conversation } from '../conversation/conversation';
import type { Logger } from '../conversation/background';
import { approverMris, type BotSettings } from '../settings';
import { createAdapter, messagesHandler } from './adapter';
import { TriageBot } from './triage-bot';

export interface TeamsApp {
  adapter: CloudAdapter;
  bot: TriageBot;
  messages: (req: Request, res: Response) => Promise<void>;
}

export function createTeamsApp(o: { settings: BotSettings; conversation: Conversation; log: Logger }): TeamsApp {
  const adapter = createAdapter(o.settings, o.log);
  const bot = new TriageBot(o.conversation, { adapter, botAppId: o.settings.appId ?? '', log: o.log, refreshUserIds: approverMris(o.settings) });
  return { adapter, bot, messages: messagesHandler(adapter, bot) };
}
