/**
 * The Teams channel: botbuilder's CloudAdapter and activity handler around the conversation core. All of
 * botbuilder stays in this folder; the rest of the app sees `TeamsApp` and an HTTP handler.
 */
import type { CloudAdapter, Request, Response } from 'botbuilder';
import type { Conversation } from '../conversation/conversation';
import type { Logger } from '../conversation/background';
import type { ChannelPort } from '../conversation/port';
import { isGuid } from '../primitives/guid';
import type { BotSettings } from '../settings';
import { ApproverRoster } from './approver-roster';
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

export function createTeamsApp(o: { settings: BotSettings; conversation: Conversation; log: Logger}): TeamsApp {
  const adapter = createAdapter(o.settings, o.log);
  // Teams knows approvers by Entra object id; Slack approvers (`slack:…`) have no place in a Teams roster.
  const roster = new ApproverRoster({ approvers: o.settings.approvers.filter((a) => isGuid(a)), log: o.log });
  const portOptions = { adapter, botAppId: o.settings.appId ?? '', log: o.log, roster };
  const bot = new TriageBot(o.conversation, portOptions);
  return { adapter, bot, messages: messagesHandler(adapter, bot), port: () => new TeamsPort(portOptions) };
}
