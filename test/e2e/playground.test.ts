/**
 * Demo mode as a newcomer meets it: the real composition root (startApp, the embedded ARM emulator, file
 * storage) with the environment `npm start` has — no Azure, no approver list — talked to through Agents
 * Playground in Chromium. Someone who is not an approver presses the grant button and is refused; then the
 * demo approver triages aks-missing-role, presses it, and the card updates to granted and verified.
 * Screenshots of every step land in test-artifacts/playground/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator } from 'playwright-core';
import { startApp, type App } from '../../src/index';
import { startPlayground, type RunningPlayground } from '../../src/playground';
import { DEMO_APPROVER, DEMO_NON_APPROVER } from '../../src/simulator/demo-people';
import { APPROVER_CONFIG, NON_APPROVER_CONFIG, PlaygroundChat, launchChromium } from './playground/harness';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureBuilt } from '../support/cli-process';

// Generous for a 2-core CI machine running Chromium, two Playgrounds and the bot at once, but bounded.
const START_MS = 60_000;
const REPLY_MS = 60_000;
const GRANT_MS = 90_000;

const GRANT_BUTTON = /^Approve: grant AcrPull$/;
// The card is first sent while pod evidence is still being read; the grant offer comes with the complete one.
const OFFER = /Waiting for an approver/;

const dataDir = mkdtempSync(path.join(tmpdir(), 'playground-e2e-data-'));
const stopAll = new AbortController();
let app: App;
let browser: BrowserContext;
const playgrounds: RunningPlayground[] = [];

beforeAll(async () => {
  // Exactly what `npm start` sees without Azure settings, plus a free port and a throwaway data directory.
  app = await startApp({ env: { PORT: '0', TRIAGE_DATA_DIR: dataDir }, print: () => undefined });
  browser = await launchChromium();
}, START_MS * 2);

afterAll(async () => {
  // The bot first, so no turn or grant still in flight tries to answer a Playground that is gone.
  await app?.close(10_000);
  stopAll.abort();
  await browser?.close();
  await Promise.all(playgrounds.map((p) => p.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

async function chatAs(configFile: string, who: string): Promise<PlaygroundChat> {
  const playground = await startPlayground({
    botEndpoint: `${app.server.url}/api/messages`,
    port: 0,
    configFile,
    signal: stopAll.signal,
    startTimeoutMs: START_MS,
  });
  playgrounds.push(playground);
  return PlaygroundChat.open(browser, playground.url, who, START_MS);
}

async function grantButton(card: Locator): Promise<Locator> {
  const button = card.getByRole('button', { name: GRANT_BUTTON });
  await button.waitFor({ state: 'visible', timeout: REPLY_MS });
  return button;
}

test(
  'someone who is not an approver presses the grant button and is refused; nothing is granted',
  async () => {
    const sam = await chatAs(NON_APPROVER_CONFIG, DEMO_NON_APPROVER.name);
    await sam.card(/Demo mode/, REPLY_MS);
    await sam.say('check aks-missing-role acrdemo');
    const findings = await sam.card(OFFER, REPLY_MS);
    await sam.screenshot('1-non-approver-findings', findings);

    await (await grantButton(findings)).click();
    const refused = await sam.card(/Not approved — nothing was changed/, REPLY_MS);
    const text = await refused.innerText();
    await sam.screenshot('2-non-approver-refused', refused);
    expect(text).toMatch(
      new RegExp(`${DEMO_NON_APPROVER.name} is not an approver, so AcrPull was not granted to aks-missing-role-agentpool on acrdemo`),
    );
    expect(text).not.toMatch(/Granted AcrPull/);
  },
  START_MS + 3 * REPLY_MS,
);

test(
  'the demo approver triages aks-missing-role, grants AcrPull and sees it granted and verified',
  async () => {
    const alex = await chatAs(APPROVER_CONFIG, DEMO_APPROVER.name);
    const welcome = await alex.card(/Demo mode/, REPLY_MS);
    await alex.screenshot('3-approver-welcome', welcome);

    await alex.say('check aks-missing-role acrdemo');
    const findings = await alex.card(OFFER, REPLY_MS);
    const before = await findings.innerText();
    // The refused press above must not have changed Azure: the role is still missing.
    expect(before).toMatch(/Problems found/);
    expect(before).toMatch(/rbac\.pull-role/);
    await alex.screenshot('4-approver-findings', findings);

    await (await grantButton(findings)).click();
    // A refusal is an answer too: stop waiting as soon as either shows, and let the assertions say which.
    const done = await alex.card(/Verification:|Not approved — nothing was changed/, GRANT_MS);
    const after = await done.innerText();
    await alex.screenshot('5-approver-granted', done);
    expect(after).not.toMatch(/Not approved — nothing was changed/);
    expect(after).toMatch(new RegExp(`Granted AcrPull to aks-missing-role-agentpool on acrdemo \\(approved by ${DEMO_APPROVER.name}\\)`));
    expect(after).toMatch(/Verification: Visible on the registry/);
    expect(after).toMatch(/rbac\.pull-role now pass/);
    expect(await done.getByRole('button', { name: GRANT_BUTTON }).count()).toBe(0);
  },
  START_MS + REPLY_MS * 2 + GRANT_MS,
);

test(
  'npm run demo:alert posts an alert for a simulated cluster and its findings card appears in the chat, alert on top',
  async () => {
    ensureBuilt();
    const alex = await chatAs(APPROVER_CONFIG, DEMO_APPROVER.name);
    await alex.card(/Demo mode/, REPLY_MS);
    const script = path.join(__dirname, '../../dist/src/demo-alert.js');
    const { stdout } = await promisify(execFile)(process.execPath, [script, 'aks-firewall', '--url', app.server.url], {
      env: { ...process.env, TRIAGE_ALERT_TOKEN: '' },
      timeout: 30_000,
    });
    expect(stdout).toMatch(/→ 202$/m);
    // The progress card carries the alert too: wait for the findings that replace it.
    const card = await alex.card(/Alert: KubeContainerWaitingImagePull[\s\S]*Problems found/, REPLY_MS);
    await alex.screenshot('6-alert-card', card);
    // The demo alert fired 5 minutes ago: in the first minutes after midnight UTC that is yesterday, shown with its date.
    expect(await card.innerText()).toMatch(/first fired ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d UTC/);
  },
  START_MS + REPLY_MS * 2,
);
