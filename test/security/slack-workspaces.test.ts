/**
 * Signed is not enough: a Slack request from another workspace that installed the app, or from a Slack
 * Connect guest in a shared channel, is signed with the same secret. With TRIAGE_SLACK_TEAMS set, only the
 * listed workspaces are served (the earlier code served anyone whose request Slack signed).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { BOT_USER, FakeSlackApi, eventBody, send, signed } from '../e2e/fake-slack';

const SECRET = 'slack-signing-secret';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
let slackApi: FakeSlackApi;
let app: App;
let dataDir: string;

beforeAll(async () => {
  slackApi = new FakeSlackApi();
  await slackApi.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-slack-teams-'));
  app = await startApp({
    env: {
      PORT: '0',
      TRIAGE_DEMO: 'true',
      TRIAGE_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slackApi.url,
      TRIAGE_SLACK_TEAMS: 'T0TEAM',
    },
    log: quiet,
    print: () => undefined,
  });
});

afterAll(async () => {
  await app?.close(1_000);
  await slackApi?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function mentionFrom(team: string, userTeam?: string): string {
  const body = JSON.parse(
    eventBody({ type: 'app_mention', user: 'U0RITA', text: `<@${BOT_USER}> help`, channel: 'C0INC', ...(userTeam ? { user_team: userTeam } : {}) }),
  ) as Record<string, unknown>;
  return JSON.stringify({ ...body, team_id: team });
}

const posts = () => slackApi.calls.filter((c) => c.method === 'chat.postMessage').length;

test.each([
  ['another workspace that installed the app', 'T0EVIL', undefined],
  ['a Slack Connect guest in a shared channel', 'T0TEAM', 'T0GUEST'],
])('%s is acknowledged and ignored', async (_name, team, userTeam) => {
  const before = posts();
  const res = await send(`${app.server.url}/slack/events`, signed(SECRET, mentionFrom(team, userTeam), 'application/json'));
  expect(res.status).toBe(200);
  await new Promise((r) => setTimeout(r, 300));
  await app.core.background.idle();
  expect(posts()).toBe(before);
});

test('control: the listed workspace is answered', async () => {
  const before = slackApi.calls.length;
  const res = await send(`${app.server.url}/slack/events`, signed(SECRET, mentionFrom('T0TEAM'), 'application/json'));
  expect(res.status).toBe(200);
  await slackApi.waitFor((c) => c.method === 'chat.postMessage', { from: before });
});
