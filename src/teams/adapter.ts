/**
 * The Bot Framework side of the server: CloudAdapter authenticating callers with the app registration
 * (MultiTenant, SingleTenant or UserAssignedMSI), or nobody when no app id is set (local clients only).
 */
import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type Request,
  type Response,
  type TurnContext,
} from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { activityRefusal, type TeamsTrustPolicy } from '../authority/teams-trust';
import { activityProblem } from './activity-shape';
import { logRef } from '../primitives/log-ref';
import type { Logger } from '../conversation/background';
import { authConfiguration, type BotSettings } from '../settings';

/**
 * CloudAdapter taking an activity our server has already read, bounded, parsed and checked
 * (`activityProblem`). `CloudAdapter.process` would check it again with zod schemas built per request, which
 * walk the whole activity twice: a sixth of the main thread's time while a burst of 200 turns is let in.
 */
export class TriageAdapter extends CloudAdapter {
  constructor(
    auth: ConfigurationBotFrameworkAuthentication,
    readonly log: Logger,
  ) {
    super(auth);
  }

  /** Authenticates the request's `Authorization` header and runs the turn; rejects with AuthenticationError. */
  handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export function createAdapter(settings: BotSettings, log: Logger): TriageAdapter {
  const config = authConfiguration(settings) as ConfigurationBotFrameworkAuthenticationOptions;
  const auth = new ConfigurationBotFrameworkAuthentication(config, new ConfigurationServiceClientCredentialFactory(config));
  const adapter = new TriageAdapter(auth, log);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const ref = logRef();
    log.error('turn failed', { ref, type: context.activity.type, error: error.message, stack: error.stack });
    if (context.activity.type === ActivityTypes.Invoke) {
      await context
        .sendActivity({
          type: ActivityTypes.InvokeResponse,
          value: {
            status: 500,
            body: {
              statusCode: 500,
              type: 'application/vnd.microsoft.error',
              value: { code: 'InternalError', message: `Something went wrong on the bot's side (ref ${ref}). Nothing was changed in Azure.` },
            },
          },
        })
        .catch(() => undefined);
      return;
    }
    await context
      .sendActivity(
        `Sorry — something went wrong on my side while handling that (ref ${ref}). Nothing was changed in Azure. Type "help" to see what I understand.`,
      )
      .catch((sendError: unknown) => log.error('could not send the apology', { ref, error: String(sendError) }));
  };
  return adapter;
}

/** Timestamps as botbuilder's own request path leaves them: Dates, with the sender's text kept beside. */
function withDates(activity: Activity): Activity {
  const raw = activity as Activity & Record<string, unknown>;
  for (const [field, rawField] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    const value = raw[field];
    if (typeof value === 'string') {
      raw[rawField] = value;
      raw[field] = new Date(value);
    }
  }
  return activity;
}

/** The HTTP handler for POST /api/messages: restify's request/response satisfy botbuilder's interfaces. */
export function messagesHandler(
  adapter: TriageAdapter,
  bot: { run(context: TurnContext): Promise<void> },
  trust?: TeamsTrustPolicy,
): (req: Request, res: Response) => Promise<void> {
  const answer = (res: Response, status: number, body?: unknown) => {
    res.status(status);
    if (body !== undefined) res.send(body);
    res.end();
  };
  return async (req, res) => {
    const problem = activityProblem(req.body);
    if (problem) return answer(res, 400, { error: 'BadRequest', message: `Not a Bot Framework activity: ${problem}.` });
    const refusal = trust && activityRefusal(req.body as Record<string, unknown>, trust);
    if (refusal) return answer(res, refusal.status, { error: 'Forbidden', message: refusal.message });
    const header = req.headers.authorization ?? req.headers.Authorization;
    try {
      const invoke = await adapter.handle(typeof header === 'string' ? header : '', withDates(req.body as unknown as Activity), (context) =>
        bot.run(context),
      );
      answer(res, invoke?.status ?? 200, invoke?.body);
    } catch (error) {
      // What CloudAdapter.process answers: 401 for a refused token, 500 for anything else (the turn's own
      // errors are caught by onTurnError before they get here).
      const refused = error instanceof AuthenticationError;
      const message = error instanceof Error ? error.message : String(error);
      if (refused) adapter.log.warn('request refused: its token did not authenticate', { error: message });
      else adapter.log.error('request failed before its turn', { error: message });
      answer(res, refused ? 401 : 500, { error: refused ? 'Unauthorized' : 'InternalError' });
    }
  };
}
