/**
 * Demo mode gains alerts: `npm run demo:alert -- aks-missing-role` (run here as its built script, in its own
 * process) posts to the running demo bot with the demo token, and the card lands in the conversation that
 * last spoke to the bot — the Agents Playground chat in the demo; a fake Bot Connector here.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startApp, type App } from '../../src/index';
import type { Logger } from '../../src/conversation/background';
import { ensureBuilt } from '../support/cli-process';
import { executeData } from './card-assertions';
import { FakeConnector, cardOf, cardText } from './fake-connector';
import { RITA, mention, post } from './teams';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const run = promisify(execFile);

let connector: FakeConnector;
let app: App;
let dataDir: string;

beforeAll(async () => {
  ensureBuilt();
  connector = new FakeConnector();
  await connector.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-demo-alert-'));
  app = await startApp({ env: { PORT: '0', TRIAGE_DATA_DIR: dataDir }, log: quiet, print: () => undefined });
});

afterAll(async () => {
  await app?.close(3_000);
  await connector?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('demo:alert posts a managed Prometheus alert for the scenario; its card arrives in the chat that last spoke to the bot', async () => {
  await post(app.server.url, mention(connector.url, RITA, 'help'));
  const from = connector.sent.length;
  const script = path.join(__dirname, '../../dist/src/demo-alert.js');
  const { stdout } = await run(process.execPath, [script, 'aks-missing-role', '--url', app.server.url], {
    env: { ...process.env, TRIAGE_ALERT_TOKEN: '' },
    timeout: 20_000,
  });
  expect(stdout).toMatch(
    /^POST http:\/\/127\.0\.0\.1:\d+\/api\/alerts \(Azure Monitor, managed Prometheus, aks-missing-role, pod shop\/api-[a-z0-9]+-[a-z0-9]+\) → 202$/m,
  );
  const card = await connector.waitFor((s) => s.method === 'PUT' && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'), {
    from,
    timeoutMs: 20_000,
  });
  // The demo alert fired 5 minutes ago: in the first minutes after midnight UTC that is yesterday, shown with its date.
  expect(cardText(card.activity)).toMatch(/^🔔 Alert: KubeContainerWaitingImagePull · Sev2 · first fired ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d UTC/);
  expect(card.conversationId).toBe('19:incident-room@thread.tacv2;messageid=1700000000000');
});
