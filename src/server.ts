/**
 * HTTP front door: POST /api/messages (the bot), GET /healthz (process alive), GET /readyz (dependencies
 * ready and not shutting down). Knows nothing of botbuilder: the composition root hands it the handler,
 * so moving to another bot SDK does not touch this file.
 */
import restify, { type Request, type Response } from 'restify';
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
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes ?? 256 * 1024, mapParams: false }));

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (closing) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'shutting down' });
      return;
    }
    inFlight += 1;
    try {
      await options.messages(req, res);
    } finally {
      inFlight -= 1;
    }
  });

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
