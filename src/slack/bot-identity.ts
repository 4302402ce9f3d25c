/**
 * Who the bot is in Slack (its user id and bot id, from auth.test): bolt needs them to ignore the bot's own
 * messages and to read mentions. Bolt's single-token mode asks once at construction and keeps a failure
 * forever (and as an unhandled rejection); here a failure is reported and the next event asks again, so a
 * Slack outage or a token fixed at runtime does not need a restart.
 */
export interface BotIdentityValue {
  botUserId: string;
  botId: string;
}

export class SlackTokenError extends Error {
  readonly code = 'SlackTokenRejected';
  constructor(message: string) {
    super(message);
    this.name = 'SlackTokenError';
  }
}

export class BotIdentity {
  private known?: Promise<BotIdentityValue>;

  constructor(private readonly authTest: () => Promise<{ ok?: boolean; user_id?: string; bot_id?: string; error?: string }>) {}

  get(): Promise<BotIdentityValue> {
    if (!this.known) {
      const attempt = this.authTest().then((r) => {
        if (!r.user_id || !r.bot_id)
          throw new SlackTokenError(
            `auth.test did not name a bot user${r.error ? ` (${r.error})` : ''}: SLACK_BOT_TOKEN must be the app's bot token (xoxb-…).`,
          );
        return { botUserId: r.user_id, botId: r.bot_id };
      });
      this.known = attempt;
      attempt.catch(() => {
        if (this.known === attempt) this.known = undefined;
      });
    }
    return this.known;
  }
}
