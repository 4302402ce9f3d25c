/**
 * Drives Agents Playground's web UI in Debian's Chromium (never a downloaded browser): the chat box, the
 * Adaptive Cards it renders, their Action.Execute buttons, and screenshots for people to look at.
 * Selectors are the Playground 0.2.28 UI's own: a Lexical editor as the chat box, adaptivecards' `ac-*` classes.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '../../..');
export const APPROVER_CONFIG = path.join(ROOT, '.m365agentsplayground.yml');
export const NON_APPROVER_CONFIG = path.join(ROOT, 'test/e2e/playground/non-approver.yml');
export const SCREENSHOTS = path.join(ROOT, 'test-artifacts/playground');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh profile each run; the Playground keeps chat history in the browser's storage. */
export async function launchChromium(): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'playground-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 1600 },
  });
  // The Playground page asks a CDN for Segoe UI and an animation worklet. Offline that is a DNS wait per
  // request; refusing at once keeps runs fast and identical with or without a network.
  await context.route(
    (url) => !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) && url.protocol !== 'data:',
    (route) => route.abort('blockedbyclient'),
  );
  return context;
}

export class PlaygroundChat {
  private constructor(
    readonly page: Page,
    private readonly who: string,
  ) {}

  /** Opens the Playground's personal chat with the bot and waits for the chat box. */
  static async open(context: BrowserContext, url: string, who: string, timeoutMs: number): Promise<PlaygroundChat> {
    const page = await context.newPage();
    await page.goto(url, { timeout: timeoutMs });
    await page.locator('[role=textbox][data-lexical-editor]').waitFor({ state: 'visible', timeout: timeoutMs });
    return new PlaygroundChat(page, who);
  }

  async say(text: string): Promise<void> {
    const box = this.page.locator('[role=textbox][data-lexical-editor]');
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** The last rendered card whose text matches, waiting for it; a timeout names what the cards said instead. */
  async card(text: RegExp, timeoutMs: number): Promise<Locator> {
    const card = this.page.locator('.ac-adaptiveCard').filter({ hasText: text }).last();
    try {
      await card.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch (error) {
      const texts = (await this.cardTexts()).map((t) => t.replace(/\s+/g, ' ').slice(0, 600));
      throw new Error(
        `${this.who}: no card showed ${text} within ${Math.round(timeoutMs / 1000)} s (${(error as Error).message.split('\n')[0]}). Cards on screen:\n${texts.join('\n---\n')}`,
      );
    }
    return card;
  }

  async cardTexts(): Promise<string[]> {
    return this.page.locator('.ac-adaptiveCard').allInnerTexts();
  }

  /** Keeps a PNG of the page and of the whole of `card` under test-artifacts/playground/. */
  async screenshot(name: string, card?: Locator): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
    if (!card) return;
    // The chat pane scrolls inside the page, so a card taller than the pane would be cut off: grow the
    // window until the card fits, then put it back.
    const size = this.page.viewportSize() ?? { width: 1280, height: 1600 };
    const box = await card.boundingBox();
    if (box && box.height + 400 > size.height) await this.page.setViewportSize({ width: size.width, height: Math.ceil(box.height) + 400 });
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(SCREENSHOTS, `${name}-card.png`) });
    await this.page.setViewportSize(size);
  }
}
