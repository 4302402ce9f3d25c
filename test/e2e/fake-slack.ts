/**
 * Slack's side on loopback: a Web API stand-in that records every call the bot's WebClient makes
 * (chat.postMessage, chat.update, chat.postEphemeral, auth.test) and answers like Slack does; and Slack's
 * requests to the bot, signed as Slack signs them (v0 HMAC-SHA256 of `v0:<timestamp>:<body>`).
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Block } from '../../src/channels/block-kit';

export interface SlackCall {
  method: string;
  args: Record<string, unknown> & { blocks?: Block[] };
  authorization?: string;
  /** What the fake answered (e.g. the `ts` Slack gave a new message). */
  response: Record<string, unknown>;
}

export const BOT_USER = 'U0BOT';

export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  private server?: Server;
  private counter = 0;
  /** Set to make auth.test fail as Slack does for a revoked or wrong token. */
  authError?: string;
  private waiters: (() => void)[] = [];
  url = '';
  /** How to answer a Web API method (fault tests): normally, never, or with a 500. */
  behaviour: (method: string) => 'ok' | 'hang' | 'fail' = () => 'ok';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
        const mode = this.behaviour(method);
        if (mode === 'hang') return;
        if (mode === 'fail') {
          res.statusCode = 500;
          res.end();
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const args: Record<string, unknown> = {};
        if ((req.headers['content-type'] ?? '').includes('json')) Object.assign(args, JSON.parse(raw || '{}'));
        else for (const [k, v] of new URLSearchParams(raw)) args[k] = k === 'blocks' ? JSON.parse(v) : v;
        const response = this.answer(method, args);
        this.calls.push({ method, args, authorization: req.headers.authorization, response });
        res.statusCode = 200;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(response));
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((w) => w());
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        if (this.authError) return { ok: false, error: this.authError };
        return { ok: true, user_id: BOT_USER, bot_id: 'B0BOT', team_id: 'T0TEAM', user: 'triage' };
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `1764370000.${String(++this.counter).padStart(6, '0')}` };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1764370000.${String(++this.counter).padStart(6, '0')}` };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** Resolves with the first recorded call (from index `from`) matching `predicate`. */
  async waitFor(predicate: (c: SlackCall) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<SlackCall> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const hit = this.calls.slice(options.from ?? 0).find(predicate);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `fake Slack: nothing matched in ${this.calls.length} calls:\n${this.calls.map((c) => `${c.method} ${String(c.args.text ?? '').slice(0, 120)}`).join('\n')}`,
        );
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

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signed(secret: string, body: string, contentType: string, timestamp = Math.floor(Date.now() / 1000)): SignedRequest {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { body, headers: { 'content-type': contentType, 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) } };
}

/** An Events API callback (app_mention, message.im). */
export function eventBody(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'legacy-unused',
    team_id: 'T0TEAM',
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { event_ts: `${Date.now() / 1000}`, ts: `${Date.now() / 1000}`, ...event },
  });
}

/** A block_actions payload for the grant button, as Slack posts it (form-encoded `payload=`). */
export function pressBody(input: { user: { id: string; name: string }; channel: string; messageTs: string; value: string }): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0TEAM', domain: 'example' },
    user: { id: input.user.id, username: input.user.name, name: input.user.name, team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy-unused',
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false },
    trigger_id: '123.456.abc',
    channel: { id: input.channel, name: 'incidents' },
    message: { type: 'message', ts: input.messageTs, user: BOT_USER, text: 'findings' },
    response_url: 'https://hooks.slack.invalid/actions/T0TEAM/1/abc',
    actions: [{ type: 'button', action_id: 'grant', block_id: 'grant', value: input.value, action_ts: `${Date.now() / 1000}` }],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function send(url: string, request: SignedRequest): Promise<{ status: number; text: string; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await res.text();
  return { status: res.status, text, ms: Date.now() - started };
}
