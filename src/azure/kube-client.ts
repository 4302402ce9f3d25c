/**
 * The few Kubernetes API reads pod evidence needs, over Node's own HTTPS: the kubeconfig's server, its CA and
 * its credential (or the bot's Entra token), JSON lists paged with `limit`/`continue`, and the API server's
 * Status object on a refusal. `@kubernetes/client-node` did this before; its generated API layer is one
 * module holding every Kubernetes API (6 MB of source kept in memory, some 27 MB of heap and 60 MB of resident
 * memory once loaded) for five list calls. The emulator's fidelity to that official client is still tested
 * (test/integration/kube-api.test.ts).
 */
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';

/** Largest list page read (500 pods with long statuses stay far below it). */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;

/** Where and as whom to call the API server. */
export interface KubeConnection {
  server: URL;
  ca?: Buffer;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
}

/** The API server refused, with its Status reason (Forbidden, Unauthorized…) as `code`. */
export class KubeStatusError extends Error {
  readonly code: string;
  constructor(
    readonly statusCode: number,
    reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeStatusError';
    this.code = reason;
  }
}

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const b64 = (v: unknown): Buffer | undefined => (str(v) ? Buffer.from(str(v)!, 'base64') : undefined);

/** The named entry of a kubeconfig list (`clusters`, `users`, `contexts`). */
function named(list: unknown, name: string | undefined, field: string): Obj | undefined {
  const entry = (Array.isArray(list) ? list : []).map(rec).find((e) => e.name === name);
  return entry ? rec(entry[field]) : undefined;
}

/**
 * The current context's server, CA and credential. `token` (the bot's Entra token, for Entra-enabled
 * clusters) replaces the kubeconfig's user, whose exec plugin (kubelogin) the bot does not run.
 */
export function connectionFromKubeconfig(kubeconfig: string, token: string | undefined): KubeConnection {
  const config = rec(parseYaml(kubeconfig) as unknown);
  const context = named(config.contexts, str(config['current-context']), 'context');
  if (!context) throw new Error('the kubeconfig has no current context');
  const cluster = named(config.clusters, str(context.cluster), 'cluster');
  const server = str(cluster?.server);
  if (!cluster || !server) throw new Error('no current cluster');
  const url = new URL(server);
  if (url.protocol !== 'https:') throw new Error(`the API server ${url.host} is not served over https`);
  const ca = b64(cluster['certificate-authority-data']);
  if (token) return { server: url, ...(ca && { ca }), token };
  const user = named(config.users, str(context.user), 'user') ?? {};
  const own = str(user.token);
  const cert = b64(user['client-certificate-data']);
  const key = b64(user['client-key-data']);
  if (!own && !(cert && key)) throw new Error('no usable credential (local accounts may be disabled)');
  return { server: url, ...(ca && { ca }), ...(own ? { token: own } : { cert, key }) };
}

/** One page of a list: its items and the token for the next page, if any. */
export interface ListPage {
  items: unknown[];
  next?: string;
}

/** GET `path` (e.g. /api/v1/pods) with `query`, one page, as JSON. Rejects with KubeStatusError on a refusal. */
export function listPage(
  connection: KubeConnection,
  path: string,
  query: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<ListPage> {
  const url = new URL(path, connection.server);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, value);
  return new Promise<ListPage>((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json', ...(connection.token && { authorization: `Bearer ${connection.token}` }) },
        ...(connection.ca && { ca: connection.ca }),
        ...(connection.cert && { cert: connection.cert, key: connection.key }),
        signal,
      },
      (res) => {
        readBody(res, req)
          .then((body) => {
            const parsed = parseJson(body);
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300) return reject(statusError(status, parsed, path));
            const list = rec(parsed);
            if (!Array.isArray(list.items)) return reject(new Error(`the API server answered ${path} without a list`));
            resolve({ items: list.items, ...(str(rec(list.metadata).continue) && { next: str(rec(list.metadata).continue) }) });
          })
          .catch(reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function readBody(res: IncomingMessage, req: { destroy(error: Error): void }): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PAGE_BYTES) req.destroy(new Error(`a list page over ${MAX_PAGE_BYTES / 2 ** 20} MiB`));
      else chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The API server's Status object (reason, message) as an error readArm can report. */
function statusError(status: number, body: unknown, path: string): KubeStatusError {
  const s = rec(body);
  return new KubeStatusError(status, str(s.reason) ?? String(status), str(s.message) ?? `the API server answered ${status} for ${path}`);
}
