/**
 * Request bodies, bounded before anything parses them. Every inbound byte is hostile until authenticated, so
 * the limits apply to what arrives on the wire, not to what a header claims: declared lengths are refused
 * early, and the bytes are counted while they stream (chunked bodies have no length to check). No
 * Content-Encoding is inflated (a 250 KB gzip can become 250 MB), nothing is written to disk (multipart), and
 * a body that trickles in is cut off at a deadline.
 */
import type { IncomingMessage } from 'node:http';

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;
export const DEFAULT_BODY_DEADLINE_MS = 10_000;

export type BodyRefusalCode = 'BodyTooLarge' | 'EncodedBody' | 'UnsupportedMediaType' | 'BodyTimeout' | 'BodyAborted' | 'InvalidJson';

/** Why a body was refused, with the HTTP status it deserves. */
export class BodyRefusal extends Error {
  constructor(
    readonly code: BodyRefusalCode,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRefusal';
  }
}

/** Checks that need only the headers: refused before a byte of the body is read. */
export function headerRefusal(req: Pick<IncomingMessage, 'headers'>, maxBytes: number): BodyRefusal | undefined {
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding !== '' && encoding !== 'identity') {
    return new BodyRefusal('EncodedBody', 415, `Content-Encoding "${encoding.slice(0, 40)}" is not accepted; send the body uncompressed.`);
  }
  const declared = req.headers['content-length'];
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > maxBytes)) {
    return new BodyRefusal('BodyTooLarge', 413, `request body over ${maxBytes} bytes`);
  }
  return undefined;
}

/** True when the request's media type is JSON (`application/json`, with or without parameters). */
export function isJson(req: Pick<IncomingMessage, 'headers'>): boolean {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase();
  return type === 'application/json';
}

/**
 * Reads the body, counting bytes as they arrive; rejects with a BodyRefusal past `maxBytes` or `deadlineMs`
 * and stops reading at once (the caller answers and closes the connection).
 */
export function readBoundedBody(req: IncomingMessage, options: { maxBytes: number; deadlineMs?: number }): Promise<Buffer> {
  const early = headerRefusal(req, options.maxBytes);
  if (early) return Promise.reject(early);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error?: BodyRefusal) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) {
        chunks.length = 0;
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, received));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.maxBytes) return finish(new BodyRefusal('BodyTooLarge', 413, `request body over ${options.maxBytes} bytes`));
      chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = () => finish(new BodyRefusal('BodyAborted', 400, 'the request body was cut off'));
    const onAborted = onError;
    const deadlineMs = options.deadlineMs ?? DEFAULT_BODY_DEADLINE_MS;
    const timer = setTimeout(
      () => finish(new BodyRefusal('BodyTimeout', 408, `the request body did not arrive within ${deadlineMs} ms`)),
      deadlineMs,
    );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Parses a JSON body already read within its bound. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BodyRefusal('InvalidJson', 400, 'the body is not valid JSON');
  }
}
