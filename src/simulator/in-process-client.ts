/**
 * The in-process transport: an HttpClient for `@azure/core-rest-pipeline` SDK clients that is also a valid
 * `@azure/ms-rest-js` HttpClient (used by `@azure/arm-resourcegraph` 4.x), so every SDK client can be pointed at
 * the emulator through its `httpClient` option. Requests never touch the network; hosts the emulator does not
 * own fail like an unresolvable name.
 */
import { Readable } from 'node:stream';
import {
  RestError,
  type HttpClient,
  type HttpHeaders,
  type PipelineRequest,
  type PipelineResponse,
  type RawHttpHeaders,
} from '@azure/core-rest-pipeline';
import type { EmuRequest, EmuResponse } from './wire';

export type Outcome = { kind: 'response'; response: EmuResponse } | { kind: 'hang' } | { kind: 'unreachable' };

export interface Dispatcher {
  dispatch(request: EmuRequest, signal: AbortSignal | undefined): Promise<Outcome>;
  /** Resolves when the emulator closes (what ends a hang nobody aborts). */
  readonly closed: Promise<void>;
}

/** Both header interfaces (core-rest-pipeline's HttpHeaders and ms-rest-js's HttpHeadersLike) over one map. */
class DualHeaders implements HttpHeaders {
  private readonly map = new Map<string, { name: string; value: string }>();

  constructor(raw: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(raw)) this.set(name, value);
  }
  get(name: string): string | undefined {
    return this.map.get(name.toLowerCase())?.value;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  contains(name: string): boolean {
    return this.has(name);
  }
  set(name: string, value: string | number | boolean): void {
    this.map.set(name.toLowerCase(), { name, value: String(value) });
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  remove(name: string): boolean {
    return this.map.delete(name.toLowerCase());
  }
  toJSON(): RawHttpHeaders {
    return this.rawHeaders();
  }
  toJson(): RawHttpHeaders {
    return this.rawHeaders();
  }
  rawHeaders(): RawHttpHeaders {
    return Object.fromEntries([...this.map].map(([key, entry]) => [key, entry.value]));
  }
  headersArray(): { name: string; value: string }[] {
    return [...this.map.values()];
  }
  headerNames(): string[] {
    return [...this.map.values()].map((h) => h.name);
  }
  headerValues(): string[] {
    return [...this.map.values()].map((h) => h.value);
  }
  clone(): DualHeaders {
    return new DualHeaders(this.rawHeaders());
  }
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [key, entry] of this.map) yield [key, entry.value];
  }
}

/** The parts of a core PipelineRequest or an ms-rest-js WebResource the emulator reads. */
interface AnyRequest {
  url: string;
  method: string;
  headers: unknown;
  body?: unknown;
  abortSignal?: AbortSignal;
  timeout?: number;
  streamResponseStatusCodes?: Set<number>;
  streamResponseBody?: boolean;
}

function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  const legacy = (headers as { headersArray?: () => { name: string; value: string }[] }).headersArray;
  if (typeof legacy === 'function') {
    for (const { name, value } of legacy.call(headers)) out[name.toLowerCase()] = value;
    return out;
  }
  if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, string]>) out[name.toLowerCase()] = value;
  }
  return out;
}

async function bodyText(body: unknown): Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body).toString('utf8');
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (typeof body === 'function') return bodyText((body as () => unknown)());
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.text();
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new RestError('The ARM emulator cannot read this request body type.', { code: 'REQUEST_SEND_ERROR' });
}

function abortError(): Error {
  const error = new Error('The operation was aborted.');
  error.name = 'AbortError';
  return error;
}

export function toEmuRequest(url: URL, method: string, headers: Record<string, string>, text: string): EmuRequest {
  let path = url.pathname;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  return {
    method: method.toUpperCase(),
    host: url.hostname.toLowerCase(),
    origin: url.origin,
    path: path.replace(/\/{2,}/g, '/'),
    query: Object.fromEntries(url.searchParams),
    headers,
    bodyText: text,
  };
}

export function createInProcessClient(dispatcher: Dispatcher): HttpClient {
  async function waitForever(request: AnyRequest): Promise<never> {
    return new Promise<never>((_resolve, reject) => {
      const signal = request.abortSignal;
      if (signal?.aborted) return reject(abortError());
      signal?.addEventListener('abort', () => reject(abortError()), { once: true });
      if (request.timeout && request.timeout > 0) {
        setTimeout(() => reject(new RestError(`timeout of ${request.timeout}ms exceeded`, { code: 'REQUEST_SEND_ERROR' })), request.timeout).unref();
      }
      void dispatcher.closed.then(() => reject(new RestError('socket hang up: the ARM emulator closed', { code: 'ECONNRESET' })));
    });
  }

  async function sendRequest(raw: PipelineRequest): Promise<PipelineResponse> {
    const request = raw as unknown as AnyRequest;
    if (request.abortSignal?.aborted) throw abortError();
    const url = new URL(request.url);
    const emu = toEmuRequest(url, request.method, headerRecord(request.headers), await bodyText(request.body));
    const outcome = await dispatcher.dispatch(emu, request.abortSignal);
    if (outcome.kind === 'unreachable') {
      throw new RestError(`getaddrinfo ENOTFOUND ${url.hostname}`, { code: 'ENOTFOUND' });
    }
    if (outcome.kind === 'hang') return waitForever(request);
    const { response } = outcome;
    const headers = new DualHeaders(response.headers);
    const body = emu.method === 'HEAD' ? '' : (response.body ?? '');
    const stream =
      request.streamResponseBody === true ||
      request.streamResponseStatusCodes?.has(response.status) === true ||
      request.streamResponseStatusCodes?.has(Number.POSITIVE_INFINITY) === true;
    return {
      request: raw,
      status: response.status,
      headers,
      ...(stream ? { readableStreamBody: Readable.from([Buffer.from(body)]) } : { bodyAsText: body }),
    };
  }

  return { sendRequest };
}
