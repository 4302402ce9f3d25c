/**
 * A Bot Connector stand-in on loopback: records what the bot sends (POST new activities, PUT updates) and
 * answers like the connector does (`{ id }`). Tests wait on it for the activity they expect.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The id the connector gave it (POST) or the id it replaced (PUT). */
  id: string;
  activity: Record<string, unknown>;
  at: number;
}

export class FakeConnector {
  readonly sent: SentActivity[] = [];
  private server?: Server;
  private counter = 0;
  private waiters: (() => void)[] = [];
  url = '';
  /** How to answer a send or an update (fault tests): normally, never, or with a 500. Attempts are counted. */
  behaviour: (method: 'POST' | 'PUT') => 'ok' | 'hang' | 'fail' = () => 'ok';
  attempts = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
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
        this.attempts += 1;
        const mode = this.behaviour(req.method);
        if (mode === 'hang') return;
        if (mode === 'fail') {
          res.statusCode = 500;
          res.end('{"error":{"code":"ServiceError","message":"connector down"}}');
          return;
        }
        const activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        const conversationId = decodeURIComponent(m[1]);
        const id = req.method === 'PUT' && m[2] ? decodeURIComponent(m[2]) : `act-${++this.counter}`;
        this.sent.push({ method: req.method, conversationId, id, activity, at: Date.now() });
        res.statusCode = 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ id }));
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((w) => w());
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves with the first recorded activity (from index `from`) matching `predicate`. */
  async waitFor(predicate: (s: SentActivity) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<SentActivity> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const hit = this.sent.slice(options.from ?? 0).find(predicate);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`fake connector: nothing matched in ${this.sent.length} recorded activities:\n${this.sent.map(describe).join('\n')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export function describe(s: SentActivity): string {
  return `${s.method} ${s.id} ${String(s.activity.type)} ${cardText(s.activity).slice(0, 120) || String(s.activity.text ?? '')}`;
}

/** The card of an activity (first Adaptive Card attachment), if any. */
export function cardOf(activity: Record<string, unknown>): Record<string, unknown> | undefined {
  const attachments = activity.attachments as { contentType?: string; content?: Record<string, unknown> }[] | undefined;
  return attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** All TextBlock texts of a card, joined: what a person reads. */
export function cardText(activity: Record<string, unknown>): string {
  const card = cardOf(activity);
  const texts: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'TextBlock' && typeof o.text === 'string') texts.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return texts.join('\n');
}
