/**
 * The server tells the composition root when a new TCP connection is accepted (a request is about to arrive
 * on it) and when that stops being so: its first request's headers are read, it closes, or it stayed silent
 * too long. The work scheduler holds background work in between (index.ts), so these moments must be exact.
 */
import { connect, type Socket } from 'node:net';
import { FLOOD_DUDS, FLOOD_WINDOW_MS, FRESH_CONNECTION_MS, startServer, type RunningServer } from '../../src/server';

let server: RunningServer;
let events: string[];
let handled: string[];

beforeEach(async () => {
  events = [];
  handled = [];
  let n = 0;
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    onFreshConnection: () => {
      const id = ++n;
      events.push(`fresh ${id}`);
      return () => events.push(`arrived ${id}`);
    },
    messages: async (_req, res) => {
      // What the scheduler would see when the handler starts.
      handled.push(events.join(', '));
      res.send(200, {});
    },
  });
});

afterEach(() => server.close(500));

const open = (): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function post(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const body = '{"type":"message"}';
    socket.once('data', (chunk) => resolve(chunk.toString('latin1').split('\r\n')[0]));
    socket.write(
      `POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`,
    );
  });
}

test('a fresh connection is announced, and ends being fresh once its first request is read, before the handler runs', async () => {
  const socket = await open();
  await wait(20);
  expect(events).toEqual(['fresh 1']);
  expect(await post(socket)).toBe('HTTP/1.1 200 OK');
  expect(handled).toEqual(['fresh 1, arrived 1']);
  // A second request on the kept-alive connection is no fresh connection.
  expect(await post(socket)).toBe('HTTP/1.1 200 OK');
  expect(events).toEqual(['fresh 1', 'arrived 1']);
  socket.destroy();
  await wait(20);
  expect(events).toEqual(['fresh 1', 'arrived 1']);
});

test('a connection that sends nothing stops counting as fresh after FRESH_CONNECTION_MS', async () => {
  const socket = await open();
  await wait(FRESH_CONNECTION_MS / 2);
  expect(events).toEqual(['fresh 1']);
  await wait(FRESH_CONNECTION_MS);
  expect(events).toEqual(['fresh 1', 'arrived 1']);
  socket.destroy();
});

test('a connection closed before its request stops counting as fresh when it closes', async () => {
  const socket = await open();
  await wait(10);
  socket.destroy();
  await wait(20);
  expect(events).toEqual(['fresh 1', 'arrived 1']);
});

test('connections that keep coming without a request stop being announced, until the window passes', async () => {
  for (let i = 0; i < FLOOD_DUDS; i++) (await open()).destroy();
  await waitFor(() => events.filter((e) => e.startsWith('arrived')).length === FLOOD_DUDS);
  const during = await open();
  await wait(20);
  expect(events.filter((e) => e.startsWith('fresh'))).toHaveLength(FLOOD_DUDS);
  // Its request is still served.
  expect(await post(during)).toBe('HTTP/1.1 200 OK');
  during.destroy();
  await wait(FLOOD_WINDOW_MS);
  const after = await open();
  await wait(20);
  expect(events.filter((e) => e.startsWith('fresh'))).toHaveLength(FLOOD_DUDS + 1);
  after.destroy();
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await wait(10);
  expect(condition()).toBe(true);
}
