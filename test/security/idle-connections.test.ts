/**
 * A new connection holds the bot's background work until its first request is read (src/server.ts
 * onFreshConnection): a burst is let in faster so. Anyone who reaches the port can open connections that never
 * send a request. Each held work for 100 ms, and a held item waits up to 2 s, so a steady stream of them made
 * every step of a check wait its 2 s: 18 s for a check of 0.2 s. Once connections keep coming without a
 * request, the server stops announcing them (FLOOD_DUDS), and the check goes at its usual pace.
 */
import { connect, type Socket } from 'node:net';
import { startTestBot, type TestBot } from '../support/test-bot';
import { executeData } from '../e2e/card-assertions';
import { cardOf, type SentActivity } from '../e2e/fake-connector';
import { RITA, mention, post } from '../e2e/teams';

let bot: TestBot;
beforeAll(async () => {
  bot = await startTestBot({ name: 'idle-connections' });
});
afterAll(() => bot?.close());

const withGrantButton = (s: SentActivity) => s.method === 'PUT' && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string');

async function timedCheck(): Promise<number> {
  const from = bot.connector.sent.length;
  const started = performance.now();
  const res = await post(bot.app.server.url, mention(bot.connector.url, RITA, 'check aks-missing-role acrdemo'));
  expect(res.status).toBe(200);
  await bot.connector.waitFor(withGrantButton, { from, timeoutMs: 60_000 });
  return performance.now() - started;
}

test('a flood of connections that never send a request does not hold a check back', async () => {
  const quiet = await timedCheck();
  const sockets: Socket[] = [];
  const flood = setInterval(() => {
    const socket = connect(bot.app.server.port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
  }, 10);
  try {
    // Let the flood be seen first (20 connections without a request).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const flooded = await timedCheck();
    // 18 s before the flood was recognised; a loaded machine may well slow the check by several times.
    expect(flooded).toBeLessThan(Math.max(5_000, 10 * quiet));
  } finally {
    clearInterval(flood);
    for (const socket of sockets) socket.destroy();
  }
}, 90_000);
