/**
 * Every scenario's real report (engine on the ARM emulator) through the view model and both renderers: each
 * card valid, fully expanded and under 28 KB, its grant section naming exactly the plan, and a PNG per
 * scenario under test-artifacts/cards/ for people to review.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { findingsCard, type CardJson } from '../../src/channels/adaptive-card';
import { findingsText } from '../../src/channels/text';
import { snapshotOf, type ApprovalSnapshot } from '../../src/channels/view-model';
import { createEmulator } from '../../src/simulator/emulator';
import { SCENARIOS } from '../../src/simulator/scenarios';
import { planGrant } from '../../src/triage/remediation';
import { parseTarget } from '../../src/triage/target';
import { cardProblems, executeData } from './card-assertions';

const OUT = path.resolve(__dirname, '../../test-artifacts/cards');
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 560, height: 800 } });
  await page.setContent('<html><body style="margin:0;font-family:sans-serif"><div id="host" style="width:520px;padding:12px"></div></body></html>');
  await page.addScriptTag({ path: require.resolve('adaptivecards/dist/adaptivecards.min.js') });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function renderPng(name: string, card: CardJson): Promise<string> {
  const text = await page.evaluate((json) => {
    const AC = (window as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
    AC.AdaptiveCard.onProcessMarkdown = (md, result) => {
      const esc = md.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      result.outputHtml = esc.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');
      result.didProcess = true;
    };
    const ac = new AC.AdaptiveCard();
    ac.parse(json);
    const el = ac.render();
    const host = document.getElementById('host');
    if (!el || !host) return '';
    host.replaceChildren(el);
    return el.innerText;
  }, card);
  await page.locator('#host').screenshot({ path: path.join(OUT, `scenario-${name}.png`) });
  return text;
}

test.each(SCENARIOS.map((s) => [s.name, s] as const))(
  '%s renders as a valid card and as text',
  async (name, scenario) => {
    const emulator = createEmulator({ world: scenario.world, faults: scenario.faults });
    try {
      const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
      const engine = createTriageEngine({ clients, readDeadlineMs: 3_000, podPollIntervalMs: 10 });
      const result = await engine.triage(parseTarget(scenario.target));
      const snapshot = snapshotOf(result);
      const plan = planGrant(result.evidence, result.report.findings);
      const approval: ApprovalSnapshot | undefined = plan
        ? { id: 'Yx3kq0cXb2l1v9nQm4rT8wYx3kq0cXb2', state: 'pending', expiresAt: '2026-11-28T13:00:00.000Z' }
        : undefined;
      const card = findingsCard(snapshot, { plan, approval, refreshUserIds: ['29:1ana'] });
      expect(cardProblems(card)).toEqual([]);
      for (const data of executeData(card))
        expect(Object.keys(data)).toEqual(expect.arrayContaining([expect.stringMatching(/^(approvalId|action)$/)]));
      const json = JSON.stringify(card);
      if (plan) {
        expect(json).toContain(plan.principalId);
        expect(json).toContain(plan.scope);
        expect(json).toContain('"verb":"grant"');
      } else {
        expect(json).not.toContain('"verb":"grant"');
      }
      const text = findingsText(snapshot, { plan, approval });
      for (const f of result.report.findings.filter((x) => x.status === 'fail')) {
        expect(text).toContain(`[${f.check}]`);
        expect(json).toContain(f.check);
      }
      expect((await renderPng(name, card)).length).toBeGreaterThan(20);
    } finally {
      await emulator.close();
    }
  },
  60_000,
);
