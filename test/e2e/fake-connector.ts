/**
 * A Bot Connector stand-in on loopback: records what the bot sends (POST new activities, PUT updates) and
 * answers like the connector does (`{ id }`). Tests wait on it for the activity they expect. It also serves
 * the roster reads botbuilder's TeamsInfo makes (`GET /v3/conversations/{id}/members[/{userId}]`,
 * `/pagedmembers`) from `rosters`, keyed by the team or conversation id the bot asks about.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The id the connector gave it (POST) or the id it replaced (PUT). */
  id: string;
  activity: Record<string, unknown>;
  at: number;
}

/** A roster member as Teams returns it (TeamsChannelAccount): the MRI is `id`. */
export interface RosterMember {
  id: string;
  aadObjectId: string;
  name: string;
}

/** A conversation's roster, or how reading it fails: 403 (the bot is not in it) or no answer at all. */
export type Roster = readonly RosterMember[] | { fail: 403 } | { fail: 'hang' };

export class FakeConnector {
  readonly sent: SentActivity[] = [];
  /** Rosters by team / conversation id; an unknown id answers 404 like a conversation the bot never saw. */
  readonly rosters = new Map<string, Roster>();
  /** Roster reads received: `<conversation id>/<member or "*">`. */
  readonly rosterReads: string[] = [];
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
        if (req.method === 'GET' && this.roster(req.url ?? '', res)) return;
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

  /** Answers a roster read (true) or leaves the request alone (false). */
  private roster(url: string, res: ServerResponse): boolean {
    const m = /^\/v3\/conversations\/([^/?]+)\/(members|pagedmembers)(?:\/([^/?]+))?/.exec(url);
    if (!m) return false;
    const conversationId = decodeURIComponent(m[1]);
    const memberId = m[3] ? decodeURIComponent(m[3]) : undefined;
    this.rosterReads.push(`${conversationId}/${memberId ?? '*'}`);
    const roster = this.rosters.get(conversationId);
    const send = (status: number, body: unknown): void => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (roster && 'fail' in roster) {
      if (roster.fail === 'hang') return true;
      send(403, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
      return true;
    }
    if (!roster) {
      send(404, { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } });
      return true;
    }
    const account = (p: RosterMember) => ({
      id: p.id,
      name: p.name,
      aadObjectId: p.aadObjectId,
      objectId: p.aadObjectId,
      userRole: 'user',
      tenantId: 'tenant',
    });
    if (memberId === undefined) {
      send(200, m[2] === 'pagedmembers' ? { members: roster.map(account) } : roster.map(account));
      return true;
    }
    // Teams finds a member by MRI or by Entra object id.
    const member = roster.find((p) => p.id === memberId || p.aadObjectId.toLowerCase() === memberId.toLowerCase());
    if (member) send(200, account(member));
    else send(404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found in the conversation.' } });
    return true;
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
    // A roster read left hanging keeps its socket open; close would wait on it forever.
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
