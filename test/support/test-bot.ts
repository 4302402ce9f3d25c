/**
 * The real bot (startApp) on a free loopback port, talking to a fake Bot Connector and, when asked, a fake Slack
 * Web API, in a fresh data directory: what most end-to-end and security suites start in `beforeAll`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from '../../src/conversation/background';
import { startApp, type App } from '../../src/index';
import { FakeConnector } from '../e2e/fake-connector';
import { FakeSlackApi } from '../e2e/fake-slack';

export interface TestBot {
  app: App;
  connector: FakeConnector;
  /** Present when started with `slack`. */
  slackApi?: FakeSlackApi;
  dataDir: string;
  /** Stops the bot (waiting up to `graceMs` for work in flight), the fakes, and removes the data directory. */
  close(graceMs?: number): Promise<void>;
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export async function startTestBot(o: {
  /** Names the data directory (triage-<name>-…). */
  name: string;
  /** Settings beyond PORT and TRIAGE_DATA_DIR. */
  env?: Record<string, string>;
  /** Serve Slack too, with this bot token and signing secret, against a fake Web API. */
  slack?: { token: string; secret: string };
  log?: Logger;
}): Promise<TestBot> {
  const connector = new FakeConnector();
  await connector.start();
  const slackApi = o.slack ? new FakeSlackApi() : undefined;
  await slackApi?.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), `triage-${o.name}-`));
  const slackEnv = o.slack && slackApi ? { SLACK_BOT_TOKEN: o.slack.token, SLACK_SIGNING_SECRET: o.slack.secret, SLACK_API_URL: slackApi.url } : {};
  const app = await startApp({
    env: { PORT: '0', TRIAGE_DATA_DIR: dataDir, ...slackEnv, ...o.env },
    log: o.log ?? quiet,
    print: () => undefined,
  });
  return {
    app,
    connector,
    ...(slackApi && { slackApi }),
    dataDir,
    async close(graceMs = 2_000) {
      await app.close(graceMs);
      await connector.close();
      await slackApi?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
