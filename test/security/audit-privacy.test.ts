/**
 * The audit log names principals, scopes and other people's requests (from their private chats too). The
 * earlier bot posted it to whichever conversation asked — a whole channel. Now Teams lists it only in a
 * one-to-one chat, and Slack shows it to the asker alone (ephemeral).
 */
import { type App } from '../../src/index';
import { startTestBot, type TestBot } from '../support/test-bot';
import { FakeConnector, cardText } from '../e2e/fake-connector';
import { BOT_USER, FakeSlackApi, eventBody, send, signed } from '../e2e/fake-slack';
import { ANA, TEAM_CONVERSATION, mention } from '../e2e/teams';

const SECRET = 'slack-signing-secret';
let connector: FakeConnector;
let slackApi: FakeSlackApi;
let app: App;

let bot: TestBot;

beforeAll(async () => {
  bot = await startTestBot({
    name: 'audit-privacy',
    env: { TRIAGE_DEMO: 'true', TRIAGE_APPROVERS: `${ANA.aadObjectId},slack:U0ANA` },
    slack: { token: 'xoxb-test', secret: SECRET },
  });
  ({ app, connector } = bot);
  slackApi = bot.slackApi!;
});

afterAll(() => bot?.close(1_000));

async function say(activity: unknown): Promise<string> {
  const from = connector.sent.length;
  const res = await fetch(`${app.server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  expect(res.status).toBe(200);
  const sent = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).length > 0, { from });
  return cardText(sent.activity);
}

test('Teams: an approver asking in a channel gets a pointer to a private chat, not the log', async () => {
  const text = await say(mention(connector.url, ANA, 'audit'));
  expect(text).toMatch(/private chat/);
  expect(text).not.toMatch(/approval-requested|grant-started/);
});

test('Teams: in a one-to-one chat the approver gets the log', async () => {
  const personal = {
    ...mention(connector.url, ANA, 'audit'),
    conversation: { id: 'a:1ana-personal', conversationType: 'personal', tenantId: TEAM_CONVERSATION.tenantId },
  };
  const text = await say(personal);
  expect(text).toMatch(/Audit|audit/);
  expect(text).not.toMatch(/private chat/);
});

test('Slack: the log (and the refusal) go to the asker alone, never to the channel', async () => {
  for (const user of ['U0ANA', 'U0NICK']) {
    const before = slackApi.calls.length;
    const body = eventBody({ type: 'app_mention', user, text: `<@${BOT_USER}> audit`, channel: 'C0INCIDENTS' });
    expect((await send(`${app.server.url}/slack/events`, signed(SECRET, body, 'application/json'))).status).toBe(200);
    const shown = await slackApi.waitFor((c) => c.method === 'chat.postEphemeral' || c.method === 'chat.postMessage', { from: before });
    expect(shown.method).toBe('chat.postEphemeral');
    expect(shown.args.user).toBe(user);
  }
});
