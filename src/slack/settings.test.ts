import { slackSettingsFromEnv } from './settings';

describe('Slack settings', () => {
  test('off unless configured; both token and secret or neither', () => {
    expect(slackSettingsFromEnv({})).toBeUndefined();
    expect(slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's3cret' })).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 's3cret',
      apiUrl: undefined,
    });
    expect(() => slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/^SLACK_SIGNING_SECRET: /);
    expect(() => slackSettingsFromEnv({ SLACK_SIGNING_SECRET: 's3cret' })).toThrow(/^SLACK_BOT_TOKEN: /);
  });

  test('SLACK_API_URL is validated and ends with a slash, as the Web API client joins method names to it', () => {
    expect(slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_API_URL: 'https://slack-gov.com/api' })?.apiUrl).toBe(
      'https://slack-gov.com/api/',
    );
    expect(() => slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_API_URL: 'slack-gov.com' })).toThrow(
      /^SLACK_API_URL: /,
    );
  });

  test('SLACK_API_URL over plain http is refused beyond loopback: the bot token goes with every call', () => {
    expect(() => slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_API_URL: 'http://slack.example.com/api/' })).toThrow(
      /^SLACK_API_URL: .*plain http/,
    );
    expect(() =>
      slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_API_URL: 'http://127.0.0.1.evil.example/api/' }),
    ).toThrow(/^SLACK_API_URL: /);
    expect(slackSettingsFromEnv({ SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 'y', SLACK_API_URL: 'http://127.0.0.1:4000/api/' })?.apiUrl).toBe(
      'http://127.0.0.1:4000/api/',
    );
  });
});
