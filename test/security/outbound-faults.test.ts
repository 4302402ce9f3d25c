/**
 * The services the bot calls out to — Bot Connector, Slack Web API, Blob storage — hanging or failing. The
 * earlier bot set no timeout on any of them, so one hung call held its turn, its triage slot or its grant for
 * good. Now: every call ends, the slot is free again, the process keeps serving, and the person gets a clear
 * message where a channel is still there to carry it. (ARM reads hanging or failing are covered by
 * test/integration/faults.test.ts; a hanging role-assignment PUT by test/security/grants.test.ts.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { FakeConnector, cardText } from '../e2e/fake-connector';
import { BOT_USER, FakeSlackApi, eventBody, send, signed } from '../e2e/fake-slack';
import { RITA, mention } from '../e2e/teams';

const SECRET = 'slack-signing-secret';
const errors: string[] = [];
const log: Logger = { info: () => undefined, warn: () => undefined, error: (m, d) => errors.push(`${m} ${JSON.stringify(d ?? {})}`) };
let dataDir: string;

beforeEach(() => {
  errors.length = 0;
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-outbound-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Resolves when the bot's background work is done, or rejects: a slot still held after `ms` is a stuck slot. */
async function idleWithin(app: App, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`background work still running after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([app.core.background.idle(), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until the bot has logged an error matching `pattern` (the failure reached the bot, and was handled). */
async function loggedWithin(pattern: RegExp, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(errors.join('\n'))) {
    if (Date.now() > deadline) throw new Error(`no error matching ${pattern} within ${ms} ms; logged:\n${errors.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function postActivity(app: App, activity: unknown, signal?: AbortSignal): Promise<number> {
  const res = await fetch(`${app.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
    signal,
  });
  await res.text();
  return res.status;
}

describe('Bot Connector', () => {
  let connector: FakeConnector;
  let app: App;

  beforeEach(async () => {
    connector = new FakeConnector();
    await connector.start();
    app = await startApp({
      env: { PORT: '0', TRIAGE_DATA_DIR: dataDir, TRIAGE_PODS: 'false' },
      log,
      print: () => undefined,
      timeouts: { connectorMs: 300 },
    });
  });
  afterEach(async () => {
    await app?.close(1_000);
    await connector?.close();
  });

  test('a quiet bot answers a message inside its turn: the reply is at the connector before the HTTP answer', async () => {
    const from = connector.sent.length;
    expect(await postActivity(app, mention(connector.url, RITA, 'help'))).toBe(200);
    expect(connector.sent.slice(from).filter((s) => s.method === 'POST')).toHaveLength(1);
  });

  test('a busy bot acknowledges a message at once and answers after the turn: a hanging connector holds no request', async () => {
    connector.behaviour = (method) => (method === 'POST' ? 'hang' : 'ok');
    // Other work in flight, as under a burst: the message is acknowledged before it is handled.
    const busy = app.scheduler.hold();
    try {
      expect(await postActivity(app, mention(connector.url, RITA, 'help'), AbortSignal.timeout(5_000))).toBe(200);
    } finally {
      busy();
    }
    // The reply went out after the turn, through the stored conversation, and its deadline ended it.
    await loggedWithin(/message failed.*the Bot Connector .* did not answer within 300 ms/, 5_000);
    await idleWithin(app, 5_000);
  });

  test('card updates that never answer: the triage ends, its slot is freed, the failure is logged, the bot serves on', async () => {
    connector.behaviour = (method) => (method === 'PUT' ? 'hang' : 'ok');
    expect(await postActivity(app, mention(connector.url, RITA, 'check aks-healthy acrdemo'))).toBe(200);
    await idleWithin(app, 10_000);
    expect(errors.join('\n')).toMatch(/updating the findings message failed.*did not answer within 300 ms/);
    connector.behaviour = () => 'ok';
    const from = connector.sent.length;
    expect(await postActivity(app, mention(connector.url, RITA, 'help'))).toBe(200);
    await connector.waitFor((s) => s.method === 'POST', { from });
  });

  test('a connector answering 500: the turn ends with an error logged (no hang, no crash), and recovers', async () => {
    connector.behaviour = () => 'fail';
    const started = Date.now();
    const status = await postActivity(app, mention(connector.url, RITA, 'check aks-healthy acrdemo'));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect([200, 500]).toContain(status);
    await idleWithin(app, 20_000);
    expect(errors.join('\n')).toMatch(/turn failed/);
    connector.behaviour = () => 'ok';
    const from = connector.sent.length;
    expect(await postActivity(app, mention(connector.url, RITA, 'help'))).toBe(200);
    await connector.waitFor((s) => s.method === 'POST', { from });
  });
});

describe('Slack Web API', () => {
  let slackApi: FakeSlackApi;
  let app: App;

  beforeEach(async () => {
    slackApi = new FakeSlackApi();
    await slackApi.start();
    app = await startApp({
      env: {
        PORT: '0',
        TRIAGE_DEMO: 'true',
        TRIAGE_DATA_DIR: dataDir,
        TRIAGE_PODS: 'false',
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slackApi.url,
      },
      log,
      print: () => undefined,
      timeouts: { slackMs: 300 },
    });
  });
  afterEach(async () => {
    await app?.close(1_000);
    await slackApi?.close();
  });

  const mentionCheck = () =>
    signed(
      SECRET,
      eventBody({ type: 'app_mention', user: 'U0RITA', text: `<@${BOT_USER}> check aks-healthy acrdemo`, channel: 'C0INC' }),
      'application/json',
    );

  test('chat.update that never answers: the triage ends, its slot is freed, the failure is logged', async () => {
    slackApi.behaviour = (method) => (method === 'chat.update' ? 'hang' : 'ok');
    expect((await send(`${app.server.url}/slack/events`, mentionCheck())).status).toBe(200);
    await slackApi.waitFor((c) => c.method === 'chat.postMessage');
    // Three tries of 300 ms with bolt's back-off in between: well under ten seconds.
    await loggedWithin(/updating the findings message failed.*timeout of 300ms exceeded/, 20_000);
    await idleWithin(app, 10_000);
  });

  test('chat.postMessage failing: the event is still acknowledged, the failure logged, and the next one served', async () => {
    slackApi.behaviour = (method) => (method === 'chat.postMessage' ? 'fail' : 'ok');
    expect((await send(`${app.server.url}/slack/events`, mentionCheck())).status).toBe(200);
    await loggedWithin(/message failed.*statusCode = 500/, 10_000);
    await idleWithin(app, 20_000);
    slackApi.behaviour = () => 'ok';
    const before = slackApi.calls.length;
    expect((await send(`${app.server.url}/slack/events`, mentionCheck())).status).toBe(200);
    await slackApi.waitFor((c) => c.method === 'chat.postMessage', { from: before });
  });
});

describe('Blob storage', () => {
  let blob: Server;
  let connector: FakeConnector;
  let app: App;

  beforeEach(async () => {
    // A storage account that accepts connections and never answers.
    blob = createServer(() => undefined);
    await new Promise<void>((resolve) => blob.listen(0, '127.0.0.1', resolve));
    connector = new FakeConnector();
    await connector.start();
    const port = (blob.address() as AddressInfo).port;
    const connection = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    app = await startApp({
      env: { PORT: '0', TRIAGE_DEMO: 'true', TRIAGE_DATA_DIR: dataDir, TRIAGE_BLOB_CONNECTION_STRING: connection },
      log,
      print: () => undefined,
      timeouts: { blobMs: 500 },
    });
  });
  afterEach(async () => {
    await app?.close(1_000);
    await connector?.close();
    blob.closeAllConnections();
    await new Promise<void>((resolve) => blob.close(() => resolve()));
  });

  test('state reads that never answer: the turn ends within seconds with an apology saying nothing changed in Azure', async () => {
    const started = Date.now();
    const from = connector.sent.length;
    await postActivity(app, mention(connector.url, RITA, 'check aks-healthy acrdemo'));
    expect(Date.now() - started).toBeLessThan(15_000);
    const apology = await connector.waitFor((s) => s.method === 'POST', { from });
    expect(String(apology.activity.text ?? cardText(apology.activity))).toMatch(/went wrong.*Nothing was changed in Azure/);
    await idleWithin(app, 10_000);
    expect(app.emulator?.requests.filter((r) => r.method !== 'GET' && r.method !== 'POST')).toEqual([]);
  });
});
