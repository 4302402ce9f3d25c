/**
 * The channel ports outside any turn, as work that starts on its own (the on-call alerts) uses them: the app's
 * Teams port posts into a stored conversation through the Bot Connector and replaces the message; its Slack
 * port posts and replaces through the Web API with the bot token. Real server in demo mode, fakes on loopback.
 */
import { type App } from '../../src/index';
import { startTestBot, type TestBot } from '../support/test-bot';
import { FakeConnector, cardText } from './fake-connector';
import { FakeSlackApi } from './fake-slack';
import { BOT, TEAM_CONVERSATION } from './teams';

let connector: FakeConnector;
let slackApi: FakeSlackApi;
let app: App;

let bot: TestBot;

beforeAll(async () => {
  bot = await startTestBot({ name: 'ports', env: { TRIAGE_DEMO: 'true' }, slack: { token: 'xoxb-ports', secret: 'ports-secret' } });
  ({ app, connector } = bot);
  slackApi = bot.slackApi!;
});

afterAll(() => bot?.close());

const notice = (title: string) => ({
  kind: 'notice' as const,
  view: { title, text: 'Raised by a check that nobody asked for.', tone: 'attention' as const },
});

test('Teams: a port without a turn posts into a stored conversation and replaces that message', async () => {
  const port = app.bot.port();
  const reference = { channelId: 'msteams', serviceUrl: connector.url, conversation: TEAM_CONVERSATION, bot: BOT };
  const at = await port.post({ channel: 'teams', reference }, notice('Pull failures on aks-prod'));
  expect(at).toMatchObject({ channel: 'teams', messageId: expect.any(String) });
  const posted = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).includes('Pull failures on aks-prod'));
  expect(posted.conversationId).toBe(TEAM_CONVERSATION.id);
  await port.replace(at, notice('Pull failures on aks-prod — resolved'));
  const replaced = await connector.waitFor((s) => s.method === 'PUT' && cardText(s.activity).includes('resolved'));
  expect(replaced.id).toBe(at.channel === 'teams' ? at.messageId : undefined);
});

test('Slack: a port without an event posts with the bot token and replaces that message', async () => {
  const port = app.slack!.port();
  const at = await port.post({ channel: 'slack', conversation: 'C0ONCALL' }, notice('Pull failures on aks-prod'));
  expect(at).toMatchObject({ channel: 'slack', conversation: 'C0ONCALL', messageTs: expect.any(String) });
  const posted = await slackApi.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0ONCALL');
  expect(posted.authorization).toBe('Bearer xoxb-ports');
  await port.replace(at, notice('Pull failures on aks-prod — resolved'));
  const updated = await slackApi.waitFor((c) => c.method === 'chat.update' && c.args.channel === 'C0ONCALL');
  expect(updated.args.ts).toBe(at.channel === 'slack' ? at.messageTs : undefined);
  expect(String(updated.args.text)).toContain('resolved');
});
