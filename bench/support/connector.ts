/**
 * A Bot Connector stand-in on loopback for benchmarks: answers POST/PUT of activities like the connector
 * (`{ id }`) and stamps each arrival with `performance.now()`, so "the card reached Teams" is timed on the
 * same clock as the request that caused it. Arrivals are kept per conversation and waiters are woken per
 * conversation: with hundreds of conversations waiting at once, a scan of everything on every arrival
 * would itself become the latency being measured.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The id the connector gave it (POST) or the id it replaced (PUT). */
  id: string;
  activity: Record<string, unknown>;
  /** performance.now() when the body was complete. */
  at: number;
}

export class ConnectorTimeoutError extends Error {
  readonly code = 'ConnectorTimeout';
}

export class BenchConnector {
  private server?: Server;
  private counter = 0;
  private readonly arrivalsByConversation = new Map<string, Arrival[]>();
  private readonly waiters = new Map<string, Set<() => void>>();
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(req.url ?? '');
        if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
          // restify patches http.ServerResponse in this process, so writeHead is not chained.
          res.statusCode = 404;
          res.end();
          return;
        }
        const at = performance.now();
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        const conversationId = decodeURIComponent(m[1]);
        const id = req.method === 'PUT' && m[2] ? decodeURIComponent(m[2]) : `act-${++this.counter}`;
        const list = this.arrivalsByConversation.get(conversationId) ?? [];
        list.push({ method: req.method, conversationId, id, activity, at });
        this.arrivalsByConversation.set(conversationId, list);
        res.statusCode = 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id }));
        const waiting = this.waiters.get(conversationId);
        if (waiting) {
          this.waiters.delete(conversationId);
          waiting.forEach((wake) => wake());
        }
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  arrivals(conversationId: string): readonly Arrival[] {
    return this.arrivalsByConversation.get(conversationId) ?? [];
  }

  /** The first arrival in `conversationId` from index `from` that matches; rejects when `signal` aborts. */
  async waitFor(conversationId: string, predicate: (a: Arrival) => boolean, options: { from: number; signal: AbortSignal }): Promise<Arrival> {
    for (;;) {
      const hit = this.arrivals(conversationId).slice(options.from).find(predicate);
      if (hit) return hit;
      if (options.signal.aborted) throw new ConnectorTimeoutError(`nothing matching arrived in ${conversationId} before the deadline`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          options.signal.removeEventListener('abort', wake);
          this.waiters.get(conversationId)?.delete(wake);
          resolve();
        };
        options.signal.addEventListener('abort', wake, { once: true });
        const set = this.waiters.get(conversationId) ?? new Set<() => void>();
        set.add(wake);
        this.waiters.set(conversationId, set);
      });
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** The first Adaptive Card attachment of an activity, if any. */
export function cardOf(activity: Record<string, unknown>): Record<string, unknown> | undefined {
  const attachments = activity.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
