/**
 * HTTP front door: POST /api/messages (the bot), GET /healthz (process alive), GET /readyz (dependencies
 * ready and not shutting down), and any raw POST routes the composition root adds (Slack's events). Knows
 * nothing of botbuilder or Slack: the composition root hands it the handlers, so moving to another bot SDK
 * does not touch this file.
 */
import restify, { type Request, type Response } from 'restify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Readiness {
  ready: boolean;
  detail?: string;
}

export interface ServerOptions {
  port: number;
  host: string;
  messages: (req: Request, res: Response) => Promise<void>;
  readiness?: () => Promise<Readiness> | Readiness;
  /** Longest a request body may be (Bot Framework activities are small). */
  maxBodyBytes?: number;
  /**
   * POST routes whose handler reads the body itself, as a plain Node request listener (a signed request must
   * be verified on its exact bytes, so nothing parses it first). The route is done when the response is.
   */
  rawRoutes?: { path: string; listener: (req: IncomingMessage, res: ServerResponse) => void }[];
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then closes what is left. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = restify.createServer({ name: 'aks-registry-triage', handleUncaughtExceptions: false });
  let closing = false;
  let inFlight = 0;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const refuseWhileClosing = (res: Response): boolean => {
    if (!closing) return false;
    res.header('Retry-After', '5');
    res.send(503, { error: 'shutting down' });
    return true;
  };

  server.post('/api/messages', ...restify.plugins.bodyParser({ maxBodySize: maxBodyBytes, mapParams: false }), async (req: Request, res: Response) => {
    if (refuseWhileClosing(res)) return;
    inFlight += 1;
    try {
      await options.messages(req, res);
    } finally {
      inFlight -= 1;
    }
  });

  for (const route of options.rawRoutes ?? []) {
    server.post(route.path, async (req: Request, res: Response) => {
      if (refuseWhileClosing(res)) return;
      if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
        res.send(413, { error: `request body over ${maxBodyBytes} bytes` });
        return;
      }
      inFlight += 1;
      try {
        await new Promise<void>((resolve) => {
          res.once('close', resolve);
          try {
            route.listener(req, res);
          } catch {
            if (!res.headersSent) res.send(500, { error: 'the handler failed before answering' });
            resolve();
          }
        });
      } finally {
        inFlight -= 1;
      }
    });
  }

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    const r = closing ? { ready: false, detail: 'shutting down' } : await (options.readiness?.() ?? { ready: true });
    res.send(r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', ...(r.detail ? { detail: r.detail } : {}) });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    async close(graceMs = 10_000) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections?.();
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      server.server.closeAllConnections?.();
      await closed;
    },
  };
}
