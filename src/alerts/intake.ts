/**
 * POST /api/alerts and /api/alerts/<route>. In this order, so that nothing unauthenticated is read or kept:
 * authenticate (401), check the route (404), read the body up to its limit (413), parse it (400 naming the
 * problem), record it durably (503 when that fails, so the sender retries), decide what each alert becomes
 * (routing, deduplication — no triage yet), and answer 202 with those decisions. Triage and cards follow
 * in the background.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../conversation/background';
import { AlertPayloadError, type Alert } from './alert';
import type { AlertAuthenticator, AlertCaller } from './auth';
import type { StateStorage } from './incidents';
import { parseAlertPayload } from './parse';
import type { AlertOutcome, AlertResponder } from './responder';
import { ROUTE_NAME, type AlertRouter } from './routing';

export const ALERTS_PATH = '/api/alerts';
/** Azure Monitor caps a common-schema alert at 256 KB; an Alertmanager group larger than that should be split (max_alerts). */
export const DEFAULT_MAX_ALERT_BODY_BYTES = 256 * 1024;

export interface AlertIntakeOptions {
  auth: AlertAuthenticator;
  router: AlertRouter;
  responder: AlertResponder;
  storage: StateStorage;
  records: ReceivedRecords;
  log: Logger;
  maxBodyBytes?: number;
  now?: () => Date;
}

export interface ReceivedAlerts {
  id: string;
  receivedAt: string;
  route?: string;
  caller: AlertCaller;
  alerts: Alert[];
  outcomes?: AlertOutcome[];
}

export function alertListener(o: AlertIntakeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(o, req, res).catch((error: unknown) => {
      o.log.error('alert intake failed', { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent)
        answer(res, 500, { error: 'InternalError', message: 'The alert could not be handled; nothing was recorded. Send it again.' });
    });
  };
}

async function handle(o: AlertIntakeOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://alerts.invalid');
  const auth = await o.auth.authenticate({ authorization: header(req, 'authorization'), queryToken: url.searchParams.get('token') ?? undefined });
  if (!auth.ok) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    return refuse(req, res, 401, { error: 'Unauthorized', message: `Not authenticated: ${auth.reason}.` });
  }
  const route = url.pathname.slice(ALERTS_PATH.length).replace(/^\/+|\/+$/g, '') || undefined;
  if (route !== undefined && (!ROUTE_NAME.test(route) || !o.router.hasRoute(route))) {
    return refuse(req, res, 404, {
      error: 'UnknownRoute',
      message: `No alert route named "${route.slice(0, 64)}" is configured (TRIAGE_ALERT_ROUTES); post to ${ALERTS_PATH} for the default channel.`,
    });
  }
  const max = o.maxBodyBytes ?? DEFAULT_MAX_ALERT_BODY_BYTES;
  const body = await readBounded(req, max);
  if (body === undefined) return refuse(req, res, 413, { error: 'PayloadTooLarge', message: `The body is over ${max} bytes.` });
  let alerts: Alert[];
  try {
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new AlertPayloadError('the body is not JSON');
    }
    alerts = parseAlertPayload(json);
  } catch (error) {
    if (error instanceof AlertPayloadError) return answer(res, 400, { error: 'InvalidAlert', message: error.message });
    throw error;
  }
  const now = (o.now ?? (() => new Date()))();
  const received: ReceivedAlerts = {
    id: `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}`,
    receivedAt: now.toISOString(),
    ...(route ? { route } : {}),
    caller: auth.caller,
    alerts,
  };
  try {
    await o.records.add(received);
  } catch (error) {
    o.log.error('alert could not be recorded', { error: error instanceof Error ? error.message : String(error) });
    res.setHeader('Retry-After', '5');
    return answer(res, 503, { error: 'NotRecorded', message: 'The alert could not be recorded; nothing was done. Send it again.' });
  }
  const outcomes: AlertOutcome[] = [];
  for (const alert of alerts) {
    outcomes.push(
      await o.responder
        .handle(alert, route)
        .catch((error: unknown): AlertOutcome => ({
          status: 'ignored',
          reason: `could not be handled: ${error instanceof Error ? error.message : String(error)}`,
        })),
    );
  }
  // An alert that becomes no card keeps its reason beside its record; the others are in their incident.
  if (outcomes.some((x) => x.status === 'ignored')) {
    void o.storage
      .write({ [`alerts/ignored/${received.id}`]: { ...received, outcomes, eTag: '*' } })
      .catch((error: unknown) => o.log.warn('alert outcomes not recorded', { id: received.id, error: String(error) }));
  }
  answer(res, 202, {
    id: received.id,
    alerts: outcomes.map((outcome, i) => ({ name: alerts[i]?.name, fingerprint: alerts[i]?.fingerprint, ...outcome })),
  });
}

/**
 * Received alerts, written durably in groups: every request waits for the write that holds it (nothing is
 * answered 202 before it is on disk or in Blob), but a storm of requests costs one write per group, not one
 * each — one write per request starves everything else of the storage (and of Node's file threads).
 */
export class ReceivedRecords {
  private batch?: { items: ReceivedAlerts[]; written: Promise<void> };

  constructor(
    private readonly storage: StateStorage,
    private readonly o: { gatherMs?: number; maxItems?: number } = {},
  ) {}

  add(item: ReceivedAlerts): Promise<void> {
    if (!this.batch || this.batch.items.length >= (this.o.maxItems ?? 200)) {
      const items: ReceivedAlerts[] = [];
      const written = new Promise<void>((resolve) => setTimeout(resolve, this.o.gatherMs ?? 20)).then(() => {
        if (this.batch?.items === items) this.batch = undefined;
        return this.storage.write({ [`alerts/received/${items[0]?.id ?? 'empty'}`]: { received: items, eTag: '*' } });
      });
      this.batch = { items, written };
    }
    this.batch.items.push(item);
    return this.batch.written;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or undefined once it grows past `max` (declared or streamed): nothing past the limit is buffered. */
function readBounded(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > max) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Answers without reading the rest of the body (an unauthenticated sender's bytes are never parsed). */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, body: Record<string, string>): void {
  res.setHeader('Connection', 'close');
  answer(res, status, body);
  req.resume();
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
