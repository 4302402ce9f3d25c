/**
 * Memory and disk before authentication: every body is bounded on the wire. Each case here was an attack on
 * the earlier server (restify's bodyParser inflated gzip, wrote multipart to the temp directory, took forms,
 * and /slack/events buffered whatever bolt read): now each is refused with its status, no turn runs, nothing
 * is written, and the process does not grow.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { FakeConnector } from '../e2e/fake-connector';
import { FakeSlackApi, signed } from '../e2e/fake-slack';
import { ANA, RITA, mention } from '../e2e/teams';
import { postStream, rssMb } from './streams';

const SECRET = 'slack-signing-secret';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let connector: FakeConnector;
let slackApi: FakeSlackApi;
let app: App;
let dataDir: string;
let uploads: string;
const savedTmp = process.env.TMPDIR;

beforeAll(async () => {
  connector = new FakeConnector();
  await connector.start();
  slackApi = new FakeSlackApi();
  await slackApi.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-bodies-'));
  // Anything a body parser would spill to disk lands here, where the test can see it.
  uploads = mkdtempSync(path.join(tmpdir(), 'triage-uploads-'));
  process.env.TMPDIR = uploads;
  app = await startApp({
    env: {
      PORT: '0',
      TRIAGE_DEMO: 'true',
      TRIAGE_DATA_DIR: dataDir,
      TRIAGE_APPROVERS: ANA.aadObjectId,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slackApi.url,
    },
    log: quiet,
    print: () => undefined,
  });
});

afterAll(async () => {
  process.env.TMPDIR = savedTmp;
  await app?.close(2_000);
  await connector?.close();
  await slackApi?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(uploads, { recursive: true, force: true });
});

const messages = () => `${app.server.url}/api/messages`;
const slackEvents = () => `${app.server.url}/slack/events`;

/** Nothing reached a turn: no reply, no Slack call, no Azure request. */
async function nothingProcessed(sentBefore: number, slackBefore: number, armBefore: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 200));
  await app.core.background.idle();
  expect(connector.sent.slice(sentBefore)).toEqual([]);
  expect(slackApi.calls.slice(slackBefore).filter((c) => c.method !== 'auth.test')).toEqual([]);
  expect(app.emulator?.requests.length ?? 0).toBe(armBefore);
}

const counters = () => [connector.sent.length, slackApi.calls.length, app.emulator?.requests.length ?? 0] as const;

test('a gzip bomb (a valid activity inflating to 64 MB) is refused unread: 415, four times, RSS bounded', async () => {
  const activity = JSON.stringify(mention(connector.url, RITA, `check ${'a'.repeat(64 * 1024 * 1024)}`));
  const bomb = gzipSync(activity, { level: 9 });
  expect(bomb.length).toBeLessThan(256 * 1024);
  const before = counters();
  const rss = rssMb();
  for (let i = 0; i < 4; i++) {
    const res = await fetch(messages(), { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: bomb });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/Content-Encoding/);
  }
  // The earlier server inflated each request: four took it past 2 GB. Allow noise, not one inflation.
  expect(rssMb() - rss).toBeLessThan(48);
  await nothingProcessed(...before);
});

test('Content-Encoding is refused on every route, /slack/events included', async () => {
  const body = gzipSync(JSON.stringify({ type: 'url_verification', challenge: 'c' }));
  const res = await fetch(slackEvents(), {
    method: 'POST',
    headers: { ...signed(SECRET, 'x', 'application/json').headers, 'content-encoding': 'gzip' },
    body,
  });
  expect(res.status).toBe(415);
});

test('multipart bodies are refused (415) and nothing is written to the temp directory', async () => {
  const before = counters();
  for (let i = 0; i < 5; i++) {
    const form = new FormData();
    form.append('activity', JSON.stringify(mention(connector.url, RITA, 'help')));
    form.append('file', new Blob([Buffer.alloc(200 * 1024, 0x41)]), 'big.bin');
    const res = await fetch(messages(), { method: 'POST', body: form });
    expect(res.status).toBe(415);
  }
  expect(readdirSync(uploads)).toEqual([]);
  await nothingProcessed(...before);
});

test('a form-encoded activity (what a web page can post cross-site without a preflight) is refused: 415', async () => {
  const before = counters();
  const activity = mention(connector.url, RITA, 'audit');
  const form = new URLSearchParams({
    type: 'message',
    text: 'audit',
    channelId: 'msteams',
    serviceUrl: connector.url,
    'from[id]': ANA.id,
    'from[aadObjectId]': ANA.aadObjectId,
  });
  for (const [k, v] of Object.entries(activity)) if (typeof v === 'string') form.set(k, v);
  const res = await fetch(messages(), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  expect(res.status).toBe(415);
  const plain = await fetch(messages(), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(activity) });
  expect(plain.status).toBe(415);
  await nothingProcessed(...before);
});

test('a chunked JSON body past the limit is cut off while it streams: 413, not buffered', async () => {
  const before = counters();
  const rss = rssMb();
  const res = await postStream(messages(), {
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    totalBytes: 200 * 1024 * 1024,
    prefix: '{"type":"message","text":"',
  });
  expect(res.status).toBe(413);
  expect(res.written).toBeLessThan(200 * 1024 * 1024);
  expect(rssMb() - rss).toBeLessThan(48);
  await nothingProcessed(...before);
});

test('an unsigned chunked body to /slack/events is refused from its headers (401) before a byte is read', async () => {
  const before = counters();
  const rss = rssMb();
  const res = await postStream(slackEvents(), {
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    totalBytes: 400 * 1024 * 1024,
  });
  expect(res.status).toBe(401);
  expect(res.written).toBeLessThan(400 * 1024 * 1024);
  expect(rssMb() - rss).toBeLessThan(48);
  await nothingProcessed(...before);
});

test('a stale signature on /slack/events is refused before the body is read', async () => {
  const stale = signed(SECRET, '{}', 'application/json', Math.floor(Date.now() / 1000) - 3600);
  const res = await postStream(slackEvents(), { headers: { ...stale.headers, 'transfer-encoding': 'chunked' }, totalBytes: 50 * 1024 * 1024 });
  expect(res.status).toBe(401);
});

test('a chunked body with well-formed signature headers is counted while it streams: 413 at the limit, RSS bounded', async () => {
  const before = counters();
  const rss = rssMb();
  const headers = { ...signed(SECRET, 'not-the-body', 'application/json').headers, 'transfer-encoding': 'chunked' };
  const res = await postStream(slackEvents(), { headers, totalBytes: 400 * 1024 * 1024 });
  expect(res.status).toBe(413);
  expect(res.written).toBeLessThan(400 * 1024 * 1024);
  expect(rssMb() - rss).toBeLessThan(48);
  await nothingProcessed(...before);
});

test('a body that trickles in is cut off at the deadline instead of holding the connection', async () => {
  const { startServer } = await import('../../src/server');
  const server = await startServer({ port: 0, host: '127.0.0.1', bodyDeadlineMs: 300, messages: async (_req, res) => void res.send(200, {}) });
  try {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve) => {
      const req = request(
        `${server.url}/api/messages`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => resolve(res.statusCode),
      );
      req.on('error', () => resolve(undefined));
      req.write('{"type":');
    });
    expect(status).toBe(408);
  } finally {
    await server.close(500);
  }
});

test('after all of it the bot still answers', async () => {
  const from = connector.sent.length;
  const res = await fetch(messages(), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(mention(connector.url, RITA, 'help')),
  });
  expect(res.status).toBe(200);
  await connector.waitFor((s) => s.method === 'POST', { from });
});
