/**
 * The Slack app: a bolt `App` whose HTTP receiver is mounted on the bot's own server (POST /slack/events —
 * events and interactivity both arrive there). Bolt verifies every request's signature (401 otherwise),
 * answers Slack's url_verification, and acknowledges events itself; the grant action acks first thing.
 * Handlers stay thin: they make a Turn from Slack's signed payload and hand it to the conversation core, which
 * answers a message after the request (as for Teams).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Person } from '../conversation/approvals';
import type { Logger } from '../conversation/background';
import type { Conversation } from '../conversation/conversation';
import type { SlackLocation } from '../conversation/location';
import type { ChannelPort, Turn } from '../conversation/port';
import { GRANT_ACTION_ID } from '../channels/block-kit';
import { BotIdentity } from './bot-identity';
import { withoutMentions } from './mentions';
import { SlackPort } from './port';
import { SlackPoster } from './poster';
import { slackHeaderRefusal } from './signature-headers';
import { teamsOf, workspaceAllowed } from './workspaces';
import { SLACK_EVENTS_PATH, type SlackSettings } from './settings';
import type { WorkScheduler } from '../scheduling/work-scheduler';

/** Longest one Slack Web API call may take (each try; bolt retries up to three times). */
export const SLACK_CALL_TIMEOUT_MS = 10_000;

export interface SlackApp {
  app: App;
  path: string;
  /** The request listener for `path`: verifies (on the already-read `rawBody`) and answers the request itself. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
  /** A port outside any event (work that starts on its own), on the app's own Web API client. */
  port: () => ChannelPort;
  /** Refuses unsigned or stale requests from their headers, before the body is read. */
  beforeBody: (req: IncomingMessage) => { status: number; message: string } | undefined;
}

export interface SlackAppOptions {
  settings: SlackSettings;
  /** The conversation core, shared with Teams. */
  conversation: Conversation;
  log: Logger;
  /** TRIAGE_SLACK_TEAMS: workspaces and Enterprise Grid organisations served; empty = any. */
  allowedTeams?: readonly string[];
  /** Longest one Web API call may take (default SLACK_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
  /** Orders each request's start with Teams turns and presses, ahead of background work (src/scheduling). */
  scheduler?: WorkScheduler;
}

export function createSlackApp(o: SlackAppOptions): SlackApp {
  const logger = boltLogger(o.log);
  const receiver = new HTTPReceiver({ signingSecret: o.settings.signingSecret, endpoints: SLACK_EVENTS_PATH, logger });
  const token = o.settings.botToken;
  const identity: BotIdentity = new BotIdentity(() => app.client.auth.test({ token }));
  const clientOptions = {
    ...(o.settings.apiUrl ? { slackApiUrl: o.settings.apiUrl } : {}),
    // The Web API client's default retries for half an hour; a findings update that late helps nobody.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    // And each call ends: without a timeout a Slack that never answers holds the triage slot forever.
    timeout: o.callTimeoutMs ?? SLACK_CALL_TIMEOUT_MS,
  };
  const app = new App({
    authorize: async () => ({ botToken: token, ...(await identity.get()) }),
    receiver,
    logger,
    // State lives in the shared storage (several instances), not in bolt's per-process conversation store.
    convoStore: false,
    clientOptions,
  });
  // Outside an event there is no per-request client: this one carries the bot token itself.
  const ownClient = new webApi.WebClient(token, { ...clientOptions, logger });

  // Before every listener: a signed request from a workspace (or a Slack Connect guest) not on the list is
  // acknowledged, so Slack does not retry it, and otherwise ignored.
  app.use(async (args) => {
    if (workspaceAllowed(args.body, o.allowedTeams ?? [])) return args.next();
    o.log.warn('Slack request from a workspace not in TRIAGE_SLACK_TEAMS ignored', { teams: teamsOf(args.body).join(',') });
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack) await ack();
  });

  app.event('app_mention', async ({ event, body, client }) => {
    if (!event.user || event.bot_id) return;
    const turn = turnOf(
      body.team_id,
      { channel: 'slack', conversation: event.channel, ...(event.thread_ts ? { threadTs: event.thread_ts } : {}) },
      person(event.user),
      body.event_id,
    );
    o.conversation.acknowledged(new SlackPort(new SlackPoster(client)), turn, withoutMentions(event.text));
  });

  app.message(async ({ message, body, client }) => {
    // Direct messages only: in channels the bot answers @mentions (app_mention), not every message.
    if (message.channel_type !== 'im' || message.subtype !== undefined || message.bot_id) return;
    const turn = turnOf(
      body.team_id,
      { channel: 'slack', conversation: message.channel, ...(message.thread_ts ? { threadTs: message.thread_ts } : {}) },
      person(message.user),
      body.event_id,
    );
    o.conversation.acknowledged(new SlackPort(new SlackPoster(client)), turn, withoutMentions(message.text ?? ''));
  });

  app.action({ type: 'block_actions', action_id: GRANT_ACTION_ID }, async ({ ack, body, action, client }) => {
    // Slack gives 3 s: acknowledge first, then decide and update.
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    if (!channel) {
      o.log.warn('a grant press without a channel was ignored');
      return;
    }
    const where: SlackLocation = {
      channel: 'slack',
      conversation: channel,
      ...(body.message?.thread_ts ? { threadTs: body.message.thread_ts } : {}),
    };
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    const value = action.type === 'button' ? action.value : undefined;
    const turn = turnOf(body.team?.id, where, person(body.user.id, body.user.name ?? body.user.username));
    await o.conversation.press(new SlackPort(new SlackPoster(client)), turn, value, messageTs ? { ...where, messageTs } : undefined);
  });

  app.error(async (error) => {
    o.log.error('Slack handler failed', { error: error.message, code: error.code });
  });

  // Say it at start, not at the first mention: with a rejected token every event would fail.
  identity.get().catch((error: unknown) => {
    o.log.warn(
      `Slack did not accept SLACK_BOT_TOKEN yet (auth.test); events will fail until it does: ${error instanceof Error ? error.message : String(error)}`,
    );
  });

  return {
    app,
    path: SLACK_EVENTS_PATH,
    listener: o.scheduler ? inForeground(o.scheduler, receiver.requestListener) : receiver.requestListener,
    beforeBody: (req) => slackHeaderRefusal(req),
    port: () => new SlackPort(new SlackPoster(ownClient)),
  };
}

/** Conversation state is per Slack conversation and thread, so any instance can continue it. */
function turnOf(team: string | undefined, where: SlackLocation, who: Person, eventId?: string): Turn {
  // Every private answer in Slack is ephemeral: seen by this person alone, wherever they asked.
  return {
    channel: 'slack',
    person: who,
    where,
    conversationKey: `slack/${team ?? ''}/${where.conversation}/${where.threadTs ?? ''}`,
    ...(eventId ? { eventId } : {}),
    privateAnswers: true,
  };
}

/** A Slack user, as the approver list names them (`slack:<user id>`): from the signed payload only. */
function person(userId: string, name?: string): Person {
  return { id: userId, channel: 'slack', ...(name ? { name } : {}) };
}

/** Bolt logs through ours, so its warnings (bad signatures, unacked requests) land in the same place. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => log.info(`slack: ${text(parts)}`),
    warn: (...parts: unknown[]) => log.warn(`slack: ${text(parts)}`),
    error: (...parts: unknown[]) => log.error(`slack: ${text(parts)}`),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * Starts each request as foreground work: a button press (interactivity arrives form-encoded as `payload=`)
 * before waiting events, and both before background work, which waits until the answer is written.
 */
function inForeground(
  scheduler: WorkScheduler,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const raw = (req as IncomingMessage & { rawBody?: Buffer }).rawBody;
    const press = raw !== undefined && raw.subarray(0, 8).toString('latin1') === 'payload=';
    void scheduler.foreground(press ? 'invoke' : 'turn').then((done) => {
      res.once('close', done);
      try {
        listener(req, res);
      } catch {
        done();
        if (!res.headersSent) res.writeHead(500).end();
      }
    });
  };
}
