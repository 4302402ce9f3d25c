/**
 * The baseline for the turn-overhead figure: a bare botbuilder echo bot on exactly our CloudAdapter
 * configuration (createAdapter, no app id) behind exactly our restify server (startServer), so that the
 * difference measured is what our bot does in a turn, not how it is hosted.
 */
import { ActivityHandler } from 'botbuilder';
import { createAdapter, messagesHandler } from '../../src/teams/adapter';
import type { Logger } from '../../src/conversation/background';
import { botSettingsFromEnv } from '../../src/settings';
import { startServer, type RunningServer } from '../../src/server';

export async function startEchoBot(log: Logger): Promise<RunningServer> {
  const settings = botSettingsFromEnv({ PORT: '0' });
  const adapter = createAdapter(settings, log);
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(context.activity.text);
    await next();
  });
  return startServer({ port: settings.port, host: settings.host, messages: messagesHandler(adapter, bot) });
}
