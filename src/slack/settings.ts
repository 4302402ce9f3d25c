/**
 * Slack's settings. The Slack app is optional: it runs only when both its bot token and its signing secret
 * are set, and one without the other is a configuration error (a half-configured app would either accept
 * unsigned requests or be unable to answer).
 */
import { BotSettingsError } from '../settings';

export interface SlackSettings {
  /** SLACK_BOT_TOKEN: the app's bot token (`xoxb-…`), for chat.postMessage / chat.update / chat.postEphemeral. */
  botToken: string;
  /** SLACK_SIGNING_SECRET: every request to /slack/events must carry a valid `x-slack-signature` made with it. */
  signingSecret: string;
  /** SLACK_API_URL: the Web API base for GovSlack (`https://slack-gov.com/api/`); Slack's public API otherwise. */
  apiUrl?: string;
}

export const SLACK_EVENTS_PATH = '/slack/events';

export function slackSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SlackSettings | undefined {
  const botToken = env.SLACK_BOT_TOKEN?.trim() || undefined;
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim() || undefined;
  const apiUrl = env.SLACK_API_URL?.trim() || undefined;
  if (!botToken && !signingSecret) return undefined;
  if (!botToken) throw new BotSettingsError('SLACK_BOT_TOKEN', 'required when SLACK_SIGNING_SECRET is set (the Slack app needs both).');
  if (!signingSecret) throw new BotSettingsError('SLACK_SIGNING_SECRET', 'required when SLACK_BOT_TOKEN is set: without it requests to /slack/events cannot be verified.');
  if (apiUrl && !/^https?:\/\/[^/\s]+(\/\S*)?$/i.test(apiUrl)) throw new BotSettingsError('SLACK_API_URL', `"${apiUrl}" is not an http(s) URL.`);
  return { botToken, signingSecret, apiUrl: apiUrl && !apiUrl.endsWith('/') ? `${apiUrl}/` : apiUrl };
}
