/**
 * Hostile bodies as an attacker sends them: generated on the fly (a 100 MB body never sits in the test's
 * memory), chunked unless told otherwise, and written until the server answers or drops the connection.
 */
import { request } from 'node:http';

export interface StreamResult {
  /** The status the server answered with, or undefined when it dropped the connection without one. */
  status?: number;
  body: string;
  /** Bytes the client managed to write before the answer or the drop. */
  written: number;
}

export function postStream(
  url: string,
  options: { headers: Record<string, string>; totalBytes: number; chunk?: Buffer; prefix?: string },
): Promise<StreamResult> {
  const chunk = options.chunk ?? Buffer.alloc(64 * 1024, 0x61);
  return new Promise((resolve) => {
    let written = 0;
    let settled = false;
    const done = (result: Omit<StreamResult, 'written'>) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve({ ...result, written });
    };
    const req = request(url, { method: 'POST', headers: options.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => done({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', () => done({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
    });
    req.on('error', () => done({ body: '' }));
    const pump = () => {
      while (!settled && written < options.totalBytes) {
        const piece = written === 0 && options.prefix ? Buffer.concat([Buffer.from(options.prefix), chunk]) : chunk;
        written += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      if (!settled) req.end();
    };
    if (options.prefix === undefined && options.totalBytes === 0) req.end();
    else pump();
  });
}

/** Resident set size in MB, after a collection when the test runs with --expose-gc. */
export function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / (1024 * 1024);
}
