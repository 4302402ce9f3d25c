/**
 * The demo world's emulator on its own worker thread, reached through the same in-process transport the SDK
 * clients use (their `httpClient` option): requests and tokens cross a MessagePort instead of a function
 * call. For measurements of the bot alone: the emulator's CPU is then spent on another thread, as Azure's is
 * spent on another machine. The worker script is compiled JavaScript (dist/), so this runs from dist only.
 */
import path from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { IN_PROCESS_ENDPOINT } from './emulator';
import type { ThreadReply, ThreadRequest } from './emulator-thread-protocol';
import { createInProcessClient, type Dispatcher, type Outcome } from './in-process-client';
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
  /** The worker's event-loop utilisation (cumulative; pass an earlier value for a difference). */
  utilization(since?: EventLoopUtilization): EventLoopUtilization;
  close(): Promise<void>;
}

type Waiting = (reply: ThreadReply) => void;

class ThreadHandle implements Dispatcher {
  readonly closed: Promise<void>;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(private readonly worker: Worker) {
    this.closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (reply: ThreadReply) => {
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

/** Starts the demo world's emulator on a worker thread; rejects after `timeoutMs` if it does not come up. */
export async function startEmulatorThread(options: { timeoutMs: number }): Promise<EmulatorThread> {
  const worker = new Worker(path.join(__dirname, 'emulator-worker.js'));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new EmulatorThreadError('the emulator thread did not start')), options.timeoutMs);
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.on('message', (m: ThreadReply) => {
      if (m.kind !== 'ready') return;
      clearTimeout(timer);
      resolve();
    });
  });
  const handle = new ThreadHandle(worker);
  const control = async (build: (id: number) => ThreadRequest, signal?: AbortSignal): Promise<ThreadReply> => handle.ask(build, signal ?? AbortSignal.timeout(options.timeoutMs));
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
    utilization: (since) => worker.performance.eventLoopUtilization(since),
    async close() {
      await worker.terminate();
    },
  };
}
