/**
 * The demo world's emulator on its own worker thread or in its own child process, reached through the same
 * in-process transport the SDK clients use (their `httpClient` option): requests and tokens cross a message
 * port (structured clone either way) instead of a function call. For measurements of the bot alone: the
 * emulator's CPU — and, as a process, its memory — is then spent elsewhere, as Azure's is on another machine.
 * The worker script is compiled JavaScript (dist/), so this runs from dist only.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { IN_PROCESS_ENDPOINT } from './emulator';
import type { ThreadReply, ThreadRequest } from './emulator-thread-protocol';
import { createInProcessClient, type Dispatcher, type Outcome } from './in-process-client';
import { childLink, type Port } from './message-channel';
import type { Fault } from './scenario';
import type { EmuRequest } from './wire';

export class EmulatorThreadError extends Error {
  readonly code = 'EmulatorThreadFailed';
}

export interface EmulatorThread {
  readonly endpoint: string;
  readonly httpClient: HttpClient;
  readonly credential: TokenCredential;
  requestCount(options?: { signal?: AbortSignal }): Promise<number>;
  setFaults(faults: Fault[], options?: { signal?: AbortSignal }): Promise<void>;
  setLatency(ms: number, options?: { signal?: AbortSignal }): Promise<void>;
  /** CPU time of the emulator's own process, ms (undefined on a thread, whose process is ours). */
  processCpuMs(options?: { signal?: AbortSignal }): Promise<number | undefined>;
  close(): Promise<void>;
}

type Waiting = (reply: ThreadReply) => void;

class ThreadHandle implements Dispatcher {
  readonly closed: Promise<void>;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(
    private readonly worker: Port,
    exited: Promise<void>,
  ) {
    this.closed = exited;
    worker.onMessage((reply: ThreadReply) => {
      if (reply.kind === 'ready') return;
      const wake = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      wake?.(reply);
    });
    // A dead worker answers nothing: fail what waits rather than leave it hanging.
    void this.closed.then(() => {
      for (const [id, wake] of this.waiting) wake({ kind: 'error', id, message: 'the emulator thread exited' });
      this.waiting.clear();
    });
  }

  ask(build: (id: number) => ThreadRequest, signal: AbortSignal | undefined): Promise<ThreadReply> {
    const id = this.nextId++;
    return new Promise<ThreadReply>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(id);
        this.worker.postMessage({ kind: 'abort', id } satisfies ThreadRequest);
        const error = new Error('The operation was aborted.');
        error.name = 'AbortError';
        reject(error);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.set(id, (reply) => {
        signal?.removeEventListener('abort', onAbort);
        if (reply.kind === 'error') reject(new EmulatorThreadError(reply.message));
        else resolve(reply);
      });
      this.worker.postMessage(build(id));
    });
  }

  async dispatch(request: EmuRequest, signal: AbortSignal | undefined): Promise<Outcome> {
    const reply = await this.ask((id) => ({ kind: 'dispatch', id, request }), signal);
    if (reply.kind !== 'dispatch') throw new EmulatorThreadError(`unexpected ${reply.kind} reply to a request`);
    return reply.outcome;
  }
}

/**
 * Starts the demo world's emulator on a worker thread (`isolation: 'thread'`) or in a child process
 * (`'process'`); rejects after `timeoutMs` if it does not come up.
 */
export async function startEmulatorThread(options: { timeoutMs: number; isolation?: 'thread' | 'process' }): Promise<EmulatorThread> {
  const script = path.join(__dirname, 'emulator-worker.js');
  const child: Worker | ChildProcess =
    options.isolation === 'process' ? fork(script, [], { serialization: 'advanced', stdio: 'inherit' }) : new Worker(script);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new EmulatorThreadError('the emulator thread did not start')), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('message', (m: ThreadReply) => {
      if (m.kind !== 'ready') return;
      clearTimeout(timer);
      resolve();
    });
  });
  const handle = new ThreadHandle(childLink(child), exited);
  const control = async (build: (id: number) => ThreadRequest, signal?: AbortSignal): Promise<ThreadReply> =>
    handle.ask(build, signal ?? AbortSignal.timeout(options.timeoutMs));
  return {
    endpoint: IN_PROCESS_ENDPOINT,
    httpClient: createInProcessClient(handle),
    credential: {
      async getToken(scopes: string | string[], tokenOptions?: { abortSignal?: AbortSignal }): Promise<AccessToken> {
        const scope = Array.isArray(scopes) ? scopes[0] : scopes;
        const reply = await control((id) => ({ kind: 'token', id, scope }), tokenOptions?.abortSignal);
        if (reply.kind !== 'token') throw new EmulatorThreadError(`unexpected ${reply.kind} reply to a token request`);
        return { token: reply.token, expiresOnTimestamp: reply.expiresOnTimestamp, tokenType: 'Bearer' };
      },
    },
    async requestCount(o = {}) {
      const reply = await control((id) => ({ kind: 'request-count', id }), o.signal);
      if (reply.kind !== 'request-count') throw new EmulatorThreadError(`unexpected ${reply.kind} reply to request-count`);
      return reply.count;
    },
    async setFaults(faults, o = {}) {
      await control((id) => ({ kind: 'faults', id, faults }), o.signal);
    },
    async setLatency(ms, o = {}) {
      await control((id) => ({ kind: 'latency', id, ms }), o.signal);
    },
    async processCpuMs(o = {}) {
      if (options.isolation !== 'process') return undefined;
      const reply = await control((id) => ({ kind: 'cpu', id }), o.signal);
      if (reply.kind !== 'cpu') throw new EmulatorThreadError(`unexpected ${reply.kind} reply to cpu`);
      return reply.cpuMs;
    },
    async close() {
      if (child instanceof Worker) {
        await child.terminate();
        return;
      }
      child.kill();
      await exited;
    },
  };
}
