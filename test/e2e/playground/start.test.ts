/**
 * startPlayground against the real Agents Playground CLI: it reports the port the Playground really took,
 * stops it (the page stops answering), and turns the Playground's silent failures (it logs only to a file,
 * and a missing config quietly becomes a built-in user) into errors that say what is wrong.
 * No bot is needed: the Playground serves its page whether or not the bot answers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPlayground, type RunningPlayground } from '../../../src/playground';
import { APPROVER_CONFIG } from './harness';

const START_MS = 60_000;
// Nothing listens here; the Playground only calls the bot when someone types.
const NO_BOT = 'http://127.0.0.1:9/api/messages';

const scratch = mkdtempSync(path.join(tmpdir(), 'playground-start-'));
const running: RunningPlayground[] = [];
let blocker: Server | undefined;

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
  rmSync(scratch, { recursive: true, force: true });
}, 30_000);

function status(url: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: 5_000, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 'no status');
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** Local addresses listening on `port`, from the kernel's socket tables (the test machines are Linux). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.split(':')[0]);
    }
  }
  return found;
}

test(
  'listens on loopback only: whoever reaches the page acts as the signed-in approver',
  async () => {
    const playground = await startPlayground({ botEndpoint: NO_BOT, port: 0, configFile: APPROVER_CONFIG, startTimeoutMs: START_MS });
    running.push(playground);
    // 0100007F is 127.0.0.1 as /proc/net/tcp writes it; every interface would be 00000000 or an IPv6 :: entry.
    expect(listeners(playground.port)).toEqual(['0100007F']);
    await playground.stop();
  },
  START_MS + 15_000,
);

test(
  'serves the Playground page on the port it really took, and stop() ends it',
  async () => {
    const playground = await startPlayground({ botEndpoint: NO_BOT, port: 0, configFile: APPROVER_CONFIG, startTimeoutMs: START_MS });
    running.push(playground);
    expect(playground.url).toBe(`http://localhost:${playground.port}`);
    expect(playground.port).toBeGreaterThan(0);
    expect(await status(`http://127.0.0.1:${playground.port}/`)).toBe(200);

    await playground.stop();
    await playground.stop();
    expect(await status(`http://127.0.0.1:${playground.port}/`)).toBe('ECONNREFUSED');
  },
  START_MS + 15_000,
);

test(
  'a taken port makes the Playground choose another, and the url says which',
  async () => {
    blocker = createServer((_req, res) => res.end('not the playground'));
    await new Promise<void>((resolve) => blocker?.listen(0, resolve));
    const taken = (blocker.address() as AddressInfo).port;

    const playground = await startPlayground({ botEndpoint: NO_BOT, port: taken, configFile: APPROVER_CONFIG, startTimeoutMs: START_MS });
    running.push(playground);
    expect(playground.port).not.toBe(taken);
    expect(await status(playground.url)).toBe(200);
  },
  START_MS + 15_000,
);

test(
  'aborting the signal stops a running Playground',
  async () => {
    const controller = new AbortController();
    const playground = await startPlayground({
      botEndpoint: NO_BOT,
      port: 0,
      configFile: APPROVER_CONFIG,
      signal: controller.signal,
      startTimeoutMs: START_MS,
    });
    running.push(playground);
    controller.abort();
    await playground.stop();
    expect(await status(`http://127.0.0.1:${playground.port}/`)).toBe('ECONNREFUSED');
  },
  START_MS + 15_000,
);

test('a missing config is an error, not the Playground’s built-in user', async () => {
  const missing = path.join(scratch, 'nobody.yml');
  await expect(startPlayground({ botEndpoint: NO_BOT, port: 0, configFile: missing })).rejects.toMatchObject({
    code: 'PlaygroundConfigMissing',
    message: expect.stringContaining(missing),
  });
});

test(
  'an invalid config fails the start with the Playground’s own reason',
  async () => {
    const bad = path.join(scratch, 'bad.yml');
    writeFileSync(bad, 'version: "0.1.1"\ntenantId: 8a5c7e10-5d3f-4b9e-9c2a-0d3e1f7a6b42\n');
    const logFile = path.join(scratch, 'bad.log');
    await expect(startPlayground({ botEndpoint: NO_BOT, port: 0, configFile: bad, logFile, startTimeoutMs: START_MS })).rejects.toMatchObject({
      code: 'PlaygroundExited',
      logFile,
      message: expect.stringMatching(/Failed to parse config file.*must have required property 'bot'/),
    });
  },
  START_MS + 15_000,
);

test('a cancelled start does not start anything', async () => {
  const controller = new AbortController();
  controller.abort();
  await expect(startPlayground({ botEndpoint: NO_BOT, port: 0, configFile: APPROVER_CONFIG, signal: controller.signal })).rejects.toMatchObject({
    code: 'PlaygroundAborted',
  });
});
