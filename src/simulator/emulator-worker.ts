/**
 * The demo world's emulator on a worker thread or in a child process (see emulator-thread.ts): answers
 * dispatch, token and control messages from its handle. A request the handle aborts is aborted here too, so injected latency and hangs
 * end when the client gives up, as they do in-process.
 */
import { createEmulator, type ArmEmulator } from './emulator';
import { demoWorld } from './scenarios';
import type { ThreadReply, ThreadRequest } from './emulator-thread-protocol';
import { parentLink } from './message-channel';

async function answer(emulator: ArmEmulator, message: ThreadRequest, inFlight: Map<number, AbortController>): Promise<ThreadReply | undefined> {
  switch (message.kind) {
    case 'dispatch': {
      const abort = new AbortController();
      inFlight.set(message.id, abort);
      try {
        return { kind: 'dispatch', id: message.id, outcome: await emulator.dispatch(message.request, abort.signal) };
      } finally {
        inFlight.delete(message.id);
      }
    }
    case 'abort':
      inFlight.get(message.id)?.abort();
      return undefined;
    case 'token': {
      const token = await emulator.credential.getToken(message.scope);
      if (!token) throw new Error(`the emulator issued no token for ${message.scope}`);
      return { kind: 'token', id: message.id, token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
    }
    case 'request-count':
      return { kind: 'request-count', id: message.id, count: emulator.requests.length };
    case 'cpu':
      return { kind: 'cpu', id: message.id, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 };
    case 'faults':
      emulator.setFaults(message.faults);
      return { kind: 'done', id: message.id };
    case 'latency':
      emulator.setLatency(message.ms);
      return { kind: 'done', id: message.id };
  }
}

function main(): void {
  const port = parentLink();
  if (!port) throw new Error('emulator-worker runs as a worker thread or child process (startEmulatorThread)');
  const emulator = createEmulator({ world: demoWorld() });
  const inFlight = new Map<number, AbortController>();
  port.onMessage((message: ThreadRequest) => {
    answer(emulator, message, inFlight).then(
      (reply) => reply && port.postMessage(reply),
      (error: unknown) =>
        port.postMessage({ kind: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) } satisfies ThreadReply),
    );
  });
  port.postMessage({ kind: 'ready' } satisfies ThreadReply);
}

main();
