/**
 * Composition root: settings → Azure clients (or the embedded emulator in demo mode) → engine → storage →
 * approvals → bot → server, and a graceful shutdown on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TokenCredential } from '@azure/core-auth';
import type { DestinationStream } from 'pino';
import type { Request, Response } from 'restify';
import { wireEngine, type AzureStandIn } from './azure/wiring';
import { ApprovalService } from './conversation/approvals';
import type { Logger } from './conversation/background';
import { recoverGrants } from './conversation/grant-recovery';
import { InFlightIndex } from './conversation/in-flight';
import { createConversation, type ConversationCore } from './conversation';
import { createTeamsApp, type TeamsApp } from './teams';
import { ConfigError, loadSettings, parseBoolean } from './config';
import { authoritySettings, demoMode } from './authority/settings';
import type { TeamsTrustPolicy } from './authority/teams-trust';
import { admissionSettings } from './limits/admission';
import { limitHeapGrowth } from './limits/heap';
import { botSettingsFromEnv, type BotSettings } from './settings';
import { startServer, type Readiness, type RunningServer } from './server';
import { createEmulator, type ArmEmulator } from './simulator/emulator';
import { SCENARIOS, demoWorld } from './simulator/scenarios';
import { startPlayground, type RunningPlayground } from './playground';
import { DEMO_APPROVER, DEMO_APPROVER_IDS } from './simulator/demo-people';
import { createAuditLog } from './storage/audit';
import { createStorage, storageSettingsFromEnv } from './storage';
import type { SlackApp } from './slack/app';
import { slackSettingsFromEnv } from './slack/settings';
import { AlertAuthenticator } from './alerts/auth';
import { IncidentStore } from './alerts/incidents';
import { ALERTS_PATH, ReceivedRecords, alertListener } from './alerts/intake';
import { AlertDeliveryError } from './alerts/port';
import { AlertResponder } from './alerts/responder';
import { AlertRouter, type Destination } from './alerts/routing';
import { alertSettingsFromEnv, DEMO_ALERT_TOKEN, type AlertSettings } from './alerts/settings';
import { CardStore } from './conversation/card-store';
import type { MessageLocation } from './conversation/location';
import { coalescingEngine } from './triage/coalescing-engine';
import { LATEST_CONVERSATION } from './teams/conversation-references';
import { WorkContext, safeId } from './observability/context';
import { createLogger, logLevelFromEnv } from './observability/log';
import { startTelemetry, telemetrySettingsFromEnv, type Telemetry, type TelemetryOptions } from './observability/telemetry';
import { countedAudit, tracedEngine } from './observability/traced-engine';
import { tracedHttpClient } from './observability/traced-http';
import { pacedHttpClient } from './scheduling/paced-http-client';
import { WorkScheduler } from './scheduling/work-scheduler';

/** Demo scenarios worth trying first: a grant, a network cause, a healthy cluster. */
const DEMO_EXAMPLES = [
  'check aks-missing-role acrdemo',
  'check aks-firewall acrfirewalled.azurecr.io',
  'check aks-tag-missing acrdemo.azurecr.io/shop/api:1.4.3',
  'check aks-healthy acrdemo',
];

export interface App {
  server: RunningServer;
  /** The conversation core every channel shares (its background work is drained on close). */
  core: ConversationCore;
  bot: TeamsApp;
  /** Paces Azure answers, card rendering and background writes (its state is what a benchmark watches). */
  scheduler: WorkScheduler;
  /** Set when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are: the Slack app on the same server. */
  slack?: SlackApp;
  settings: BotSettings;
  /** Structured logs (JSON lines with request, turn and triage ids). */
  log: Logger;
  telemetry: Telemetry;
  /** Set in demo mode unless `demoAzure` was given: the simulated Azure the engine talks to. */
  emulator?: ArmEmulator;
  /** Alerts in: POST /api/alerts. */
  alerts: { responder: AlertResponder; incidents: IncidentStore; settings: AlertSettings };
  /** Stops accepting, lets in-flight turns and background work finish for up to `graceMs`, then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A Slack app reachable from outside (HOST not loopback) without a MicrosoftAppId would leave /api/messages
 * open to anyone claiming to be a Teams approver. Slack's requests are signed; Bot Framework's are only
 * authenticated with an app id — so without one, that endpoint stays closed on a public interface.
 */
async function botFrameworkOff(_req: Request, res: Response): Promise<void> {
  res.send(403, {
    error: 'Forbidden',
    message:
      'The Bot Framework endpoint is off: this instance serves Slack on a public interface and has no MicrosoftAppId to authenticate Teams requests.',
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** How long each outbound call may take; the defaults suit production (tests of hanging services shorten them). */
export interface OutboundTimeouts {
  connectorMs?: number;
  slackMs?: number;
  blobMs?: number;
}

export async function startApp(
  options: {
    env?: NodeJS.ProcessEnv;
    log?: Logger;
    /** Where the default logger writes its JSON lines (stdout unless a test reads them). */
    logDestination?: DestinationStream;
    print?: (text: string) => void;
    telemetry?: Omit<TelemetryOptions, 'connectionString'>;
    timeouts?: OutboundTimeouts;
    /** Demo mode's Azure when not the embedded emulator (the benchmark's emulator process). */
    demoAzure?: AzureStandIn;
  } = {},
): Promise<App> {
  const env = options.env ?? process.env;
  const work = new WorkContext();
  const log = options.log ?? createLogger({ level: logLevelFromEnv(env), context: work, destination: options.logDestination });
  const telemetry = await startTelemetry({ ...telemetrySettingsFromEnv(env), ...options.telemetry });
  const demo = demoMode(env);
  const settings = demo ? withDemoPeople(botSettingsFromEnv(env), env) : botSettingsFromEnv(env);
  const slackSettings = slackSettingsFromEnv(env);
  const alertSettings = demo ? withDemoAlerts(alertSettingsFromEnv(env), env) : alertSettingsFromEnv(env);
  const azureSettings = loadSettings(env);
  const authority = authoritySettings(env, settings);
  if (!settings.appId && !isLoopback(settings.host) && !slackSettings) {
    // Nothing would authenticate callers, and a public interface reaches everyone: refuse rather than warn.
    throw new ConfigError(
      `HOST=${settings.host} is not a loopback address, and without a MicrosoftAppId nothing authenticates Bot Framework requests. Set MicrosoftAppId (and its credential), or leave HOST unset.`,
      'HOST',
    );
  }
  const trust: TeamsTrustPolicy = {
    appId: settings.appId,
    demo,
    allowedTenants: authority.allowedTenants,
    extraServiceUrls: authority.extraServiceUrls,
  };

  // One scheduler for the process: Azure answers, card rendering, background writes and turns are paced by it;
  // its queue cap (TRIAGE_QUEUE_LIMIT) is the one admission of new checks, beside each person's rate.
  const admission = admissionSettings(env);
  const scheduler = new WorkScheduler({ maxWaiting: admission.queueLimit });
  const emulator: ArmEmulator | undefined = demo && !options.demoAzure ? createEmulator({ world: demoWorld() }) : undefined;
  const standIn = demo ? (options.demoAzure ?? emulator) : undefined;
  const wired = wireEngine(azureSettings, {
    ...(standIn ? { standIn } : {}),
    allowedSubscriptions: authority.allowedSubscriptions,
    // Every Azure answer is paced by the scheduler; every Azure request a span, child of the triage or grant
    // it serves (only when telemetry is on).
    transport: (inner) => pacedHttpClient(telemetry.enabled ? tracedHttpClient(inner, telemetry.tracer) : inner, scheduler),
  });
  const { credential, scope } = wired;
  // Identical triages in flight (people typing the same check, an alert storm) share one evidence read.
  const engine = coalescingEngine(tracedEngine(wired.engine, { telemetry, context: work, log }));
  // The emulator is always ready; a real credential is probed before traffic is sent here.
  const readiness: (() => Promise<Readiness>) | undefined = standIn ? undefined : () => credentialReadiness(credential, scope);

  const fromEnv = storageSettingsFromEnv(env);
  const storageSettings = fromEnv.blob ? { ...fromEnv, blob: { ...fromEnv.blob, callTimeoutMs: options.timeouts?.blobMs } } : fromEnv;
  const storage = await createStorage(storageSettings);
  const audit = countedAudit(await createAuditLog(storageSettings), telemetry);
  const inFlight = new InFlightIndex(storage);
  const approvals = new ApprovalService({
    storage,
    audit,
    inFlight,
    engine,
    approvers: settings.approvers,
    allowSelfApproval: settings.allowSelfApproval,
    ttlMs: settings.approvalTtlMs,
    log: (message, error) => log.error(message, { error: error instanceof Error ? error.message : String(error ?? '') }),
  });
  const examples = demo ? DEMO_EXAMPLES : undefined;
  const core = createConversation({
    store: storage,
    engine,
    audit,
    approvals,
    log,
    demo,
    auditAudience: settings.auditAudience,
    examples,
    scheduler,
    perPersonPerMinute: admission.perPersonPerMinute,
  });
  const bot = createTeamsApp({
    settings,
    conversation: core.conversation,
    log,
    store: storage,
    demo,
    scheduler,
    trust,
    connectorTimeoutMs: options.timeouts?.connectorMs,
  });
  // Bolt and Slack's Web API client are loaded only for a bot that serves Slack (some 9 MB of heap otherwise idle).
  const slack = slackSettings
    ? (await import('./slack/app')).createSlackApp({
        settings: slackSettings,
        conversation: core.conversation,
        log,
        allowedTeams: authority.slackTeams,
        callTimeoutMs: options.timeouts?.slackMs,
        scheduler,
      })
    : undefined;
  // Slack's turn id (event id, or the trigger id of a button press) is known once Bolt has read the body.
  slack?.app.use(async ({ body, next }) => {
    const ids = body as { event_id?: unknown; trigger_id?: unknown };
    const turnId = safeId(ids.event_id) ?? safeId(ids.trigger_id);
    if (turnId) work.assign({ turnId });
    await next();
  });
  const incidents = new IncidentStore(storage);
  const router = new AlertRouter(alertSettings.routes, alertSettings.defaultDestination);
  const responder = new AlertResponder({
    engine,
    approvals,
    audit,
    cards: new CardStore(storage),
    incidents,
    router,
    delivery: {
      ports: { teams: bot.port(), ...(slack ? { slack: slack.port() } : {}) },
      locate: (destination) => locate(destination, bot),
    },
    background: core.background,
    log,
    windowMs: alertSettings.windowMs,
    podDeadlineMs: azureSettings.triage.podDeadlineMs,
  });
  const alerts = alertListener({
    auth: new AlertAuthenticator(alertSettings.auth),
    router,
    responder,
    storage,
    records: new ReceivedRecords(storage),
    log,
  });
  const server = await startServer({
    port: settings.port,
    host: settings.host,
    messages: withWorkIds(work, slack && !settings.appId && !isLoopback(settings.host) ? botFrameworkOff : bot.messages),
    readiness,
    // Node 20 accepts one new connection per loop iteration: while a burst of them is being let in, nothing but
    // HTTP answers runs (an answer hold), so that each iteration stays short and the next connection is accepted sooner.
    onFreshConnection: () => scheduler.answerPending(),
    rawRoutes: [
      ...(slack ? [{ path: slack.path, listener: withRawWorkIds(work, slack.listener), beforeBody: slack.beforeBody }] : []),
      { path: ALERTS_PATH, listener: withRawWorkIds(work, alerts) },
      { path: `${ALERTS_PATH}/:route`, listener: withRawWorkIds(work, alerts) },
    ],
  });
  // Grants a crash left half done are finished now, not when someone happens to press their card again.
  core.background.run('recover interrupted grants', async (signal) => {
    await recoverGrants({
      approvals,
      inFlight,
      log,
      signal,
      show: async (record) => {
        const port = record.location?.channel === 'slack' ? slack?.port() : record.location?.channel === 'teams' ? bot.port() : undefined;
        if (port) await core.conversation.showApproval(port, record);
      },
    });
  });
  log.info('listening', { url: server.url, demo, teams: Boolean(settings.appId), slack: Boolean(slack), telemetry: telemetry.enabled });
  if (readiness) {
    // Say it at start, not at the first incident: without a credential every triage would read nothing.
    void readiness().then((r) => {
      if (!r.ready) log.warn(`Azure is not reachable yet: ${r.detail}`);
    });
  }

  if (!settings.appId && slack && !isLoopback(settings.host)) {
    log.warn(`No MicrosoftAppId: /api/messages is off on ${server.url}; only Slack (signed requests, ${slack.path}) is served.`);
  } else if (!settings.appId && demo) {
    log.warn(
      `No MicrosoftAppId: requests are NOT authenticated; listening on ${server.url} for local clients (Agents Playground, Bot Framework Emulator) only.`,
    );
  } else if (!settings.appId) {
    log.warn(
      `No MicrosoftAppId against real Azure: Teams-side requests are NOT authenticated, so nobody there counts as an approver — the bot is read-only for Teams clients on ${server.url}.${slack ? ' Slack approvals (signed requests) still work.' : ''}`,
    );
  }
  if (slack) log.info(`Slack app enabled: events and interactivity at ${server.url}${slack.path}`);
  if (demo) (options.print ?? console.log)(demoBanner(server.url));

  return {
    server,
    core,
    bot,
    scheduler,
    slack,
    settings,
    log,
    telemetry,
    emulator,
    alerts: { responder, incidents, settings: alertSettings },
    async close(graceMs = 10_000) {
      const started = Date.now();
      await server.close(graceMs);
      await core.background.drain(Math.max(0, graceMs - (Date.now() - started)));
      await emulator?.close();
      await telemetry.shutdown();
    },
  };
}

/**
 * Demo mode's people: without TRIAGE_APPROVERS, the Playground's signed-in user (Alex Approver) approves.
 * Agents Playground has one user per process, so the person who asks is the person who approves: demo mode
 * allows self-approval unless TRIAGE_ALLOW_SELF_APPROVAL says otherwise. Never outside demo mode.
 */
function withDemoPeople(settings: BotSettings, env: NodeJS.ProcessEnv): BotSettings {
  return {
    ...settings,
    approvers: env.TRIAGE_APPROVERS?.trim() ? settings.approvers : [...DEMO_APPROVER_IDS],
    allowSelfApproval: env.TRIAGE_ALLOW_SELF_APPROVAL?.trim() ? settings.allowSelfApproval : true,
  };
}

/** Where an alert destination is: a Teams conversation the bot was installed in, or a Slack channel id. */
async function locate(destination: Destination, teams: TeamsApp): Promise<MessageLocation> {
  if (destination.channel === 'slack') return { channel: 'slack', conversation: destination.channelId };
  const where = await teams.locate(destination.conversationId);
  if (!where) {
    throw new AlertDeliveryError(
      `the bot has no conversation reference for Teams conversation ${destination.conversationId}: add the bot to that team or channel (or say something to it there) so it may post`,
    );
  }
  return where;
}

/**
 * Demo mode's alerts: without TRIAGE_ALERT_TOKEN the demo token is accepted (the demo bot listens on loopback
 * only), and without TRIAGE_ALERT_CHANNEL cards go to the Teams conversation that last spoke to the bot.
 */
function withDemoAlerts(settings: AlertSettings, env: NodeJS.ProcessEnv): AlertSettings {
  return {
    ...settings,
    auth: env.TRIAGE_ALERT_TOKEN?.trim() ? settings.auth : { ...settings.auth, token: DEMO_ALERT_TOKEN },
    defaultDestination: settings.defaultDestination ?? { channel: 'teams', conversationId: LATEST_CONVERSATION },
  };
}

function demoBanner(url: string): string {
  const rule = '='.repeat(78);
  const lines = [
    rule,
    '  DEMO MODE — AZURE IS SIMULATED',
    '  No AZURE_SUBSCRIPTION_ID or AZURE_RESOURCE_MANAGER_ENDPOINT is set, so every cluster, registry and',
    '  role assignment you see comes from the embedded emulator. Nothing touches a real subscription.',
    `  Bot endpoint: ${url}/api/messages`,
    `  ${SCENARIOS.length} simulated scenarios, each broken in its own way. Try for example:`,
    ...DEMO_EXAMPLES.map((e) => `    ${e}`),
    `  Alerts: \`npm run demo:alert -- aks-missing-role\` posts one to ${url}${ALERTS_PATH}; the card appears in your chat.`,
    `  You are ${DEMO_APPROVER.name}, a demo approver: aks-missing-role offers the AcrPull grant button.`,
    rule,
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  limitHeapGrowth();
  const app = await startApp();
  const playground = app.emulator && parseBoolean(process.env, 'TRIAGE_PLAYGROUND', true) ? await openPlayground(app) : undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info(`${signal}: finishing in-flight work, then exiting`);
    Promise.all([playground?.stop(), app.close(10_000)]).then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/**
 * Every request runs under its own request id (App Service's X-ARR-LOG-ID when present) and, for Bot
 * Framework, the activity id as turn id, so each log line of the work it starts can be found together.
 */
function withWorkIds(work: WorkContext, handler: (req: Request, res: Response) => Promise<void>): (req: Request, res: Response) => Promise<void> {
  return (req, res) => {
    const body: unknown = req.body;
    const turnId = typeof body === 'object' && body !== null ? safeId((body as { id?: unknown }).id) : undefined;
    return work.run({ requestId: requestIdOf(req.headers), ...(turnId ? { turnId } : {}) }, () => handler(req, res));
  };
}

/** Slack's listener reads its own body; its request id is all that is known here. */
function withRawWorkIds(
  work: WorkContext,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => work.run({ requestId: requestIdOf(req.headers) }, () => listener(req, res));
}

function requestIdOf(headers: IncomingHttpHeaders): string {
  return safeId(headers['x-arr-log-id']) ?? safeId(headers['x-request-id']) ?? randomUUID();
}

/**
 * Ready when the credential yields an ARM token (cached, so a probe costs nothing once it works). Without
 * one every triage would answer "unknown" for everything; a load balancer should not send traffic here.
 */
export async function credentialReadiness(credential: TokenCredential, scope: string): Promise<Readiness> {
  try {
    const token = await credential.getToken(scope, { abortSignal: AbortSignal.timeout(10_000) });
    return token ? { ready: true } : { ready: false, detail: 'the Azure credential returned no token' };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      ready: false,
      detail: `no Azure credential works (managed identity, AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET, or az login): ${message.slice(0, 300)}`,
    };
  }
}

/** Demo mode's chat client. The bot keeps running without it (e.g. for the Bot Framework Emulator). */
async function openPlayground(app: App): Promise<RunningPlayground | undefined> {
  try {
    const playground = await startPlayground({ botEndpoint: `${app.server.url}/api/messages` });
    console.log(`\n  Open ${playground.url} in a browser to chat with the bot (Agents Playground, signed in as ${DEMO_APPROVER.name}).\n`);
    return playground;
  } catch (error) {
    app.log.warn('Agents Playground did not start; the bot is still listening', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const e = error as { code?: string; message?: string };
    // A JSON line like every other, so the reason shows up in the same log query as the rest.
    createLogger().error(`aks-registry-triage bot could not start: ${e.message ?? String(error)}`, { code: e.code });
    process.exit(2);
  });
}
