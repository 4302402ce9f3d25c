/**
 * HTTP front door: POST /api/messages (the bot), GET /healthz (process alive), GET /readyz (dependencies
 * ready and not shutting down), and any raw POST routes the composition root adds (Slack's events). Knows
 * nothing of botbuilder or Slack: the composition root hands it the handlers, so moving to another bot SDK
 * does not touch this file.
 *
 * Nothing reads a body before its limit (src/server/body.ts): every request's headers are checked first
 * (encoded or oversized bodies refused), every POST route's body is read by this file, counted while it
 * streams, and only then handed on — parsed JSON on /api/messages, the exact bytes (`rawBody`) elsewhere.
 */
import restify, { type Request, type Response } from 'restify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BodyRefusal, DEFAULT_MAX_BODY_BYTES, headerRefusal, isJson, parseJson, readBoundedBody } from './server/body';

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
  /** Longest a body may take to arrive (a client trickling bytes holds a connection and memory). */
  bodyDeadlineMs?: number;
  /** POST routes whose handler takes the exact bytes: see RawRoute. */
  rawRoutes?: RawRoute[];
  /**
   * Called as a new TCP connection is accepted: a request is about to arrive on it. The returned function is
   * called once, when that connection's first request has its headers read, when it closes, or after
   * `FRESH_CONNECTION_MS`, whichever comes first. Not called while connections are being opened without a
   * request (`FLOOD_DUDS` such in the last `FLOOD_WINDOW_MS`): then they announce nothing.
   */
  onFreshConnection?: () => () => void;
}

/**
 * A POST route handled by a plain Node request listener that needs the body's exact bytes (a signed request
 * is verified on them). The server reads the body within its bound and leaves it on `req.rawBody` (where
 * bolt and similar receivers look for an already-read body) before the listener runs; the route is done
 * when the response is.
 */
export interface RawRoute {
  path: string;
  listener: (req: IncomingMessage & { rawBody?: Buffer }, res: ServerResponse) => void;
  /** Refuses a request from its headers alone, before a byte of its body is read (e.g. a missing signature). */
  beforeBody?: (req: IncomingMessage) => { status: number; message: string } | undefined;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted since start (a burst on fresh connections is let in one per loop iteration). */
  connectionsAccepted(): number;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then closes what is left. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Answers a refused request and drops its connection: the rest of a refused body is never read (Node would
 * otherwise drain it, and a client could keep the connection busy with it).
 */
function refuse(req: Request, res: Response, status: number, message: string): void {
  if (!req.complete) res.setHeader('Connection', 'close');
  res.send(status, { error: message });
  res.once('finish', () => {
    if (!req.complete) req.socket.destroySoon?.();
  });
}

/** How long an idle keep-alive connection stays open. */
export const KEEP_ALIVE_MS = 65_000;

/** Longest a fresh connection counts as "a request is about to arrive" (its request normally takes one loop iteration). */
export const FRESH_CONNECTION_MS = 100;

/**
 * Connections that sent no request in their first FRESH_CONNECTION_MS, or closed first: this many within
 * FLOOD_WINDOW_MS and new connections are no longer announced. Otherwise a stream of connections that never
 * send a request (anyone who reaches the port can open them) would keep the bot's background work held: a
 * check took 18 s instead of 0.2 s under 100 such connections a second (test/security/idle-connections.test.ts).
 */
export const FLOOD_DUDS = 20;
export const FLOOD_WINDOW_MS = 1_000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const server = restify.createServer({ name: 'aks-registry-triage', handleUncaughtExceptions: false });
  // Node 20 accepts one new connection per event-loop iteration (libuv/libuv#3696), so a burst on fresh
  // connections is let in slowly while the loop is busy; idle connections are kept well past Node's 5 s
  // default so that the channel's next burst finds them open (the idle limit is sent in Keep-Alive).
  server.server.keepAliveTimeout = KEEP_ALIVE_MS;
  let accepted = 0;
  const fresh = new WeakMap<Socket, (withRequest: boolean) => void>();
  /** When the latest FLOOD_DUDS connections without a request ended, oldest first. */
  const duds: number[] = [];
  const flooded = () => duds.length >= FLOOD_DUDS && performance.now() - duds[0] < FLOOD_WINDOW_MS;
  server.server.on('connection', (socket: Socket) => {
    accepted += 1;
    if (!options.onFreshConnection) return;
    const announced = flooded() ? undefined : options.onFreshConnection();
    const timer = setTimeout(() => ended(false), FRESH_CONNECTION_MS);
    timer.unref();
    const closed = () => ended(false);
    const ended = (withRequest: boolean) => {
      if (!fresh.delete(socket)) return;
      clearTimeout(timer);
      socket.off('close', closed);
      if (!withRequest) {
        duds.push(performance.now());
        if (duds.length > FLOOD_DUDS) duds.shift();
      }
      announced?.();
    };
    fresh.set(socket, ended);
    socket.once('close', closed);
  });
  // 'request' fires once the headers are parsed, before any route runs.
  server.server.on('request', (req: IncomingMessage) => fresh.get(req.socket)?.(true));
  let closing = false;
  let inFlight = 0;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyDeadlineMs = options.bodyDeadlineMs;
  const refuseWhileClosing = (res: Response): boolean => {
    if (!closing) return false;
    res.header('Retry-After', '5');
    res.send(503, { error: 'shutting down' });
    return true;
  };

  // Every request, every method, whatever route (including ones added later): headers first.
  server.pre((req: Request, res: Response, next: (err?: false) => void) => {
    const refusal = headerRefusal(req, maxBodyBytes);
    if (!refusal) return next();
    refuse(req, res, refusal.status, refusal.message);
    return next(false);
  });

  /** Reads the body within its bound; on refusal answers, and returns undefined. */
  const boundedBody = async (req: Request, res: Response): Promise<Buffer | undefined> => {
    try {
      return await readBoundedBody(req, { maxBytes: maxBodyBytes, deadlineMs: bodyDeadlineMs });
    } catch (error) {
      const refusal = error instanceof BodyRefusal ? error : new BodyRefusal('BodyAborted', 400, 'the request body could not be read');
      refuse(req, res, refusal.status, refusal.message);
      return undefined;
    }
  };

  server.post('/api/messages', async (req: Request, res: Response) => {
    if (refuseWhileClosing(res)) return;
    // JSON only: a form or multipart post is what a web page can send cross-site without a preflight.
    if (!isJson(req)) return refuse(req, res, 415, 'Bot Framework activities are application/json.');
    inFlight += 1;
    try {
      const body = await boundedBody(req, res);
      if (!body) return;
      try {
        req.body = parseJson(body);
      } catch (error) {
        return refuse(req, res, 400, (error as Error).message);
      }
      await options.messages(req, res);
    } finally {
      inFlight -= 1;
    }
  });

  for (const route of options.rawRoutes ?? []) {
    server.post(route.path, async (req: Request, res: Response) => {
      if (refuseWhileClosing(res)) return;
      const early = route.beforeBody?.(req);
      if (early) return refuse(req, res, early.status, early.message);
      inFlight += 1;
      try {
        const body = await boundedBody(req, res);
        if (!body) return;
        (req as Request & { rawBody?: Buffer }).rawBody = body;
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
    connectionsAccepted: () => accepted,
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
