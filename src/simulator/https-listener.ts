/**
 * The HTTPS transport on 127.0.0.1 (random port, the committed self-signed certificate), for clients in other
 * processes. The Host header selects the registry data plane or Graph; everything else is ARM or the
 * managed-identity endpoint.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadEmulatorTls } from './tls';
import { toEmuRequest, type Dispatcher } from './in-process-client';

export interface Listener {
  origin: string;
  certPath: string;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export interface ListenOptions {
  /** Drop the connection (as an unreachable server does) instead of answering 421 for what is not served. */
  dropUnserved?: boolean;
}

export async function listen(dispatcher: Dispatcher, options: ListenOptions = {}): Promise<Listener> {
  const tls = loadEmulatorTls();
  let origin = '';
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const host = req.headers.host ?? new URL(origin).host;
      // Concatenated, not resolved: the SDKs send `//subscriptions/…` for `{scope}` URLs, which resolving
      // against a base would read as a protocol-relative URL whose host is "subscriptions".
      const url = new URL(`https://${host}${req.url ?? '/'}`);
      const request = toEmuRequest(url, req.method ?? 'GET', headerRecord(req), await readBody(req));
      const outcome = await dispatcher.dispatch(request, abort.signal);
      if (outcome.kind === 'hang') return;
      if (outcome.kind === 'unreachable' && options.dropUnserved) {
        res.socket?.destroy();
        return;
      }
      if (outcome.kind === 'unreachable') {
        res.writeHead(421, { 'content-type': 'text/plain' }).end(`The ARM emulator does not serve host '${request.host}'.`);
        return;
      }
      res.writeHead(outcome.response.status, outcome.response.headers);
      res.end(request.method === 'HEAD' ? undefined : outcome.response.body);
    })().catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { code: 'InternalServerError', message: String(error) } }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    certPath: tls.certPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
