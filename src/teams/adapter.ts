/**
 * The Bot Framework side of the server: CloudAdapter authenticating callers with the app registration
 * (MultiTenant, SingleTenant or UserAssignedMSI), or nobody when no app id is set (local clients only).
 */
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { activityProblem } from './activity-shape';
import type { Logger } from '../conversation/background';
import { authConfiguration, type BotSettings } from '../settings';

export function createAdapter(settings: BotSettings, log: Logger): CloudAdapter {
  const config = authConfiguration(settings) as ConfigurationBotFrameworkAuthenticationOptions;
  const auth = new ConfigurationBotFrameworkAuthentication(config, new ConfigurationServiceClientCredentialFactory(config));
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const ref = randomUUID().slice(0, 8);
    log.error('turn failed', { ref, type: context.activity.type, error: error.message, stack: error.stack });
    if (context.activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 500, body: { statusCode: 500, type: 'application/vnd.microsoft.error', value: { code: 'InternalError', message: `Something went wrong on the bot's side (ref ${ref}). Nothing was changed in Azure.` } } } }).catch(() => undefined);
      return;
    }
    await context
      .sendActivity(`Sorry — something went wrong on my side while handling that (ref ${ref}). Nothing was changed in Azure. Type "help" to see what I understand.`)
      .catch((sendError: unknown) => log.error('could not send the apology', { ref, error: String(sendError) }));
  };
  return adapter;
}

/** The HTTP handler for POST /api/messages: restify's request/response satisfy botbuilder's interfaces. */
export function messagesHandler(adapter: CloudAdapter, bot: { run(context: TurnContext): Promise<void> }): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const problem = activityProblem(req.body);
    if (problem) {
      res.status(400);
      res.send({ error: 'BadRequest', message: `Not a Bot Framework activity: ${problem}.` });
      res.end();
      return;
    }
    await adapter.process(req, res, (context) => bot.run(context));
  };
}
