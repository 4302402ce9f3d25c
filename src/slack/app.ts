/**
 * The Slack app: a bolt `App` whose HTTP receiver is mounted on the bot's own server (POST /slack/events —
 * events and interactivity both arrive there). Bolt verifies every request's signature (401 otherwise),
 * answers Slack's url_verification, and acknowledges events itself; the grant action acks first thing.
 * Handlers are registered per intent and stay thin: the conversation, triage and grant live beside them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { ApprovalService, ApprovalServiceOptions, Person } from '../bot/approvals';
import type { BackgroundWork, Logger } from '../bot/background';
import type { WorkScheduler } from '../scheduling/work-scheduler';
import { CardStore } from '../bot/card-store';
import { GRANT_ACTION_ID } from '../channels/block-kit';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import { BotIdentity } from './bot-identity';
import { SlackConversation } from './conversation';
import { SlackGrant } from './grant';
import { SlackPoster } from './poster';
import { SLACK_EVENTS_PATH, type SlackSettings } from './settings';
import { SlackTriage } from './triage';

/** The shared durable storage (file or Blob), the same the approvals use; botbuilder stays out of src/slack. */
type Storage = ApprovalServiceOptions['storage'];

export interface SlackApp {
  app: App;
  path: string;
  /** The request listener for `path`: reads, verifies and answers the request itself. */
  listener: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface SlackAppOptions {
  settings: SlackSettings;
  engine: TriageEngine;
  storage: Storage;
  audit: AuditLog;
  approvals: ApprovalService;
  /** Shared with the Teams bot: one triage concurrency limit, one drain at shutdown. */
  background: BackgroundWork;
  scheduler: WorkScheduler;
  log: Logger;
  demo: boolean;
  auditAudience: 'approvers' | 'everyone';
  examples?: string[];
}

export function createSlackApp(o: SlackAppOptions): SlackApp {
  const logger = boltLogger(o.log);
  const receiver = new HTTPReceiver({ signingSecret: o.settings.signingSecret, endpoints: SLACK_EVENTS_PATH, logger });
  const token = o.settings.botToken;
  const identity: BotIdentity = new BotIdentity(() => app.client.auth.test({ token }));
  const app = new App({
    authorize: async () => ({ botToken: token, ...(await identity.get()) }),
    receiver,
    logger,
    // State lives in the shared storage (several instances), not in bolt's per-process conversation store.
    convoStore: false,
    clientOptions: {
      ...(o.settings.apiUrl ? { slackApiUrl: o.settings.apiUrl } : {}),
      // The Web API client's default retries for half an hour; a findings update that late helps nobody.
      retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    },
  });
  const cards = new CardStore(o.storage);
  const triage = new SlackTriage({ engine: o.engine, approvals: o.approvals, audit: o.audit, cards, background: o.background, log: o.log, scheduler: o.scheduler });
  const conversation = new SlackConversation({ storage: o.storage, triage, approvals: o.approvals, audit: o.audit, demo: o.demo, auditAudience: o.auditAudience, examples: o.examples });
  const grant = new SlackGrant({ approvals: o.approvals, cards, background: o.background, log: o.log });

  app.event('app_mention', async ({ event, body, client }) => {
    if (!event.user || event.bot_id) return;
    await conversation.handle({ poster: new SlackPoster(client), team: body.team_id, channel: event.channel, threadTs: event.thread_ts, person: person(event.user) }, event.text);
  });

  app.message(async ({ message, body, client }) => {
    // Direct messages only: in channels the bot answers @mentions (app_mention), not every message.
    if (message.channel_type !== 'im' || message.subtype !== undefined || message.bot_id) return;
    const threadTs = message.thread_ts;
    await conversation.handle({ poster: new SlackPoster(client), team: body.team_id, channel: message.channel, threadTs, person: person(message.user) }, message.text ?? '');
  });

  app.action({ type: 'block_actions', action_id: GRANT_ACTION_ID }, async ({ ack, body, action, client }) => {
    await ack();
    const value = action.type === 'button' ? action.value : undefined;
    await grant.press(new SlackPoster(client), {
      approvalId: value,
      presser: person(body.user.id, body.user.name ?? body.user.username),
      channel: body.channel?.id ?? body.container?.channel_id,
      threadTs: body.message?.thread_ts,
      messageTs: body.message?.ts ?? body.container?.message_ts,
    });
  });

  app.error(async (error) => {
    o.log.error('Slack handler failed', { error: error.message, code: error.code });
  });

  // Say it at start, not at the first mention: with a rejected token every event would fail.
  identity.get().catch((error: unknown) => {
    o.log.warn(`Slack did not accept SLACK_BOT_TOKEN yet (auth.test); events will fail until it does: ${error instanceof Error ? error.message : String(error)}`);
  });

  return { app, path: SLACK_EVENTS_PATH, listener: receiver.requestListener };
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
