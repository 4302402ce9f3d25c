/**
 * Renders every card with the adaptivecards JS renderer in headless Chromium and keeps a PNG of each under
 * test-artifacts/cards/ for people to look at. Fails when a card does not render or renders empty.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { cardGallery } from './card-gallery';

const OUT = path.resolve(__dirname, '../../test-artifacts/cards');
const BUNDLE = require.resolve('adaptivecards/dist/adaptivecards.min.js');

let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

test('every card renders in Chromium and is saved as a PNG', async () => {
  const page = await browser.newPage({ viewport: { width: 560, height: 800 } });
  await page.setContent(
    '<html><head><style>body{font-family:"Segoe UI",sans-serif;margin:0;background:#fff}#host{width:520px;padding:12px}</style></head><body><div id="host"></div></body></html>',
  );
  await page.addScriptTag({ path: BUNDLE });
  for (const { name, card } of cardGallery()) {
    const rendered = await page.evaluate((json) => {
      const AC = (window as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
      // Teams and the Playground render TextBlock markdown; the bare library needs a processor for bold and links.
      AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
        const esc = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        result.outputHtml = esc.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/\[([^\]]+)\]\(([^)]+)\)/g, '<a href="$2">$1</a>');
        result.didProcess = true;
      };
      const ac = new AC.AdaptiveCard();
      ac.parse(json);
      const el = ac.render();
      const host = document.getElementById('host');
      if (!host || !el) return { ok: false, text: '' };
      host.replaceChildren(el);
      return { ok: true, text: el.innerText };
    }, card);
    expect(rendered.ok).toBe(true);
    expect(rendered.text.trim().length).toBeGreaterThan(10);
    await page.locator('#host').screenshot({ path: path.join(OUT, `${name}.png`) });
  }
  await page.close();
}, 120_000);
