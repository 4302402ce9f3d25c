/**
 * The ARM emulator: serves a `World` in ARM's REST wire format to the official SDK clients, in-process (through
 * their `httpClient` option) or over HTTPS on 127.0.0.1 for other processes. It authenticates every request with
 * tokens it issued, records everything it receives, and applies injected faults before routing.
 * Public API: /work/helpers/EMULATOR-API.md.
 */
import { randomUUID } from 'node:crypto';
import type { HttpClient } from '@azure/core-rest-pipeline';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { HttpClient as LegacyHttpClient } from '@azure/ms-rest-js';
import type { ArmResource, Fault, World } from './scenario';
import { armError, isRecord, parseForm, withRequestIds, type EmuRequest, type EmuResponse } from './wire';
import { FaultRules } from './faults';
import { audienceOf, bearerOf, TokenStore } from './tokens';
import { routeArm } from './arm-router';
import { RunCommands } from './run-command';
import { apiServerUnreachable, handleKubeApi } from './kube-api';
import { KubeApiServers } from './kube-servers';
import { BlobRedirects, isStorageHost } from './blob-redirects';
import { handleIdentityEndpoint, IDENTITY_PATH } from './identity-endpoint';
import { handleGraph } from './graph';
import { handleRegistry, isRegistryHost } from './registry-data-plane';
import { createInProcessClient, type Dispatcher, type Outcome } from './in-process-client';
import { listen, type Listener } from './https-listener';

export interface RecordedRequest {
  method: string;
  host: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
  status: number;
  at: number;
}

export interface ArmEmulator {
  readonly endpoint: string;
  readonly httpClient: HttpClient;
  /** The same transport typed for `@azure/ms-rest-js` clients (`@azure/arm-resourcegraph` 4.x `httpClient` option). */
  readonly legacyHttpClient: LegacyHttpClient;
  readonly credential: TokenCredential;
  /** The managed-identity token endpoint (App Service style) on this emulator. */
  readonly identityEndpoint: string;
  readonly requests: RecordedRequest[];
  readonly world: World;
  /** What every transport (in-process client, HTTPS listener, emulator thread) hands a request to. */
  dispatch(request: EmuRequest, signal: AbortSignal | undefined): Promise<Outcome>;
  setFaults(faults: Fault[]): void;
  setLatency(ms: number): void;
  clearRequests(): void;
  childEnv(): Record<string, string>;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  world: World;
  faults?: Fault[];
  latencyMs?: number;
  /** Page size of ARM list answers (nextLink paging); default 50. */
  pageSize?: number;
}

/** The ARM host of the in-process transport (never resolvable on a network). */
export const IN_PROCESS_ENDPOINT = 'https://management.emulator.local';
const GRAPH_HOST = 'graph.microsoft.com';
const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const abort = (): void => {
      clearTimeout(timer);
      const error = new Error('The operation was aborted.');
      error.name = 'AbortError';
      reject(error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}

function recordedBody(request: EmuRequest): unknown {
  if (request.bodyText.trim() === '') return undefined;
  try {
    return JSON.parse(request.bodyText) as unknown;
  } catch {
    return (request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded') ? parseForm(request.bodyText) : undefined;
  }
}

class Emulator implements ArmEmulator, Dispatcher {
  readonly requests: RecordedRequest[] = [];
  readonly httpClient: HttpClient;
  readonly credential: TokenCredential;
  readonly closed: Promise<void>;
  private readonly tokens = new TokenStore();
  private readonly faults = new FaultRules();
  private readonly runCommands: RunCommands;
  private readonly kubeServers: KubeApiServers;
  private readonly blobs = new BlobRedirects();
  private readonly identitySecret = randomUUID();
  private readonly pageSize: number;
  private latencyMs: number;
  private listener?: Listener;
  private markClosed: () => void = () => undefined;

  constructor(
    readonly world: World,
    options: EmulatorOptions,
  ) {
    this.faults.set(options.faults ?? []);
    this.latencyMs = options.latencyMs ?? 0;
    this.pageSize = options.pageSize ?? 50;
    this.runCommands = new RunCommands(world);
    this.kubeServers = new KubeApiServers((cluster, request, signal) => this.dispatchKube(cluster, request, signal));
    this.closed = new Promise<void>((resolve) => (this.markClosed = resolve));
    this.httpClient = createInProcessClient(this);
    this.credential = {
      getToken: async (scopes: string | string[]): Promise<AccessToken> => {
        const scope = Array.isArray(scopes) ? scopes[0] : scopes;
        if (!scope) throw new Error('getToken needs a scope');
        const { token, expiresOn } = this.tokens.issue({
          kind: 'entra',
          audience: audienceOf(scope),
          principalId: world.caller.principalId,
          tenantId: world.caller.tenantId,
        });
        return { token, expiresOnTimestamp: expiresOn, tokenType: 'Bearer' };
      },
    };
  }

  get legacyHttpClient(): LegacyHttpClient {
    return this.httpClient as unknown as LegacyHttpClient;
  }

  get endpoint(): string {
    return this.listener?.origin ?? IN_PROCESS_ENDPOINT;
  }

  get identityEndpoint(): string {
    return `${this.endpoint}${IDENTITY_PATH}`;
  }

  async start(): Promise<void> {
    this.listener = await listen(this);
  }

  private armHosts(): Set<string> {
    const hosts = new Set([new URL(IN_PROCESS_ENDPOINT).hostname]);
    if (this.listener) hosts.add('127.0.0.1').add('localhost');
    return hosts;
  }

  private armAudiences(): Set<string> {
    const audiences = new Set([audienceOf(IN_PROCESS_ENDPOINT)]);
    if (this.listener) audiences.add(audienceOf(this.listener.origin)).add(audienceOf(this.listener.origin.replace('127.0.0.1', 'localhost')));
    return audiences;
  }

  dispatch(request: EmuRequest, signal: AbortSignal | undefined): Promise<Outcome> {
    return this.handle(request, signal, () => this.route(request));
  }

  private async handle(
    request: EmuRequest,
    signal: AbortSignal | undefined,
    route: () => EmuResponse | undefined | Promise<EmuResponse | undefined>,
  ): Promise<Outcome> {
    const record: RecordedRequest = {
      method: request.method,
      host: request.host,
      path: request.path,
      query: request.query,
      ...(recordedBody(request) !== undefined ? { body: recordedBody(request) } : {}),
      status: 0,
      at: Date.now(),
    };
    this.requests.push(record);
    await sleep(this.latencyMs, signal);
    const fault = this.faults.take(request.method, request.path);
    if (fault) await sleep(fault.latencyMs, signal);
    if (fault?.kind === 'hang') return { kind: 'hang' };
    let response: EmuResponse | undefined;
    if (fault?.kind === 'respond') {
      response = fault.response;
    } else {
      try {
        response = await route();
      } catch (error) {
        response = armError(
          500,
          'InternalServerError',
          `The ARM emulator failed on ${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (!response) return { kind: 'unreachable' };
    const final = withRequestIds(request, response);
    record.status = final.status;
    return { kind: 'response', response: final };
  }

  /** A request to a cluster's Kubernetes API server: recorded, delayed and fault-injected like ARM's. */
  private dispatchKube(cluster: ArmResource, request: EmuRequest, signal: AbortSignal | undefined): Promise<Outcome> {
    return this.handle(request, signal, () =>
      apiServerUnreachable(cluster) ? undefined : handleKubeApi({ world: this.world, tokens: this.tokens, cluster }, request),
    );
  }

  private route(request: EmuRequest): EmuResponse | undefined | Promise<EmuResponse | undefined> {
    if (isRegistryHost(request.host)) {
      return handleRegistry({ world: this.world, tokens: this.tokens, armAudiences: this.armAudiences(), blobs: this.blobs }, request);
    }
    if (isStorageHost(request.host)) return this.blobs.serve(request);
    if (request.host === GRAPH_HOST) {
      const failure = this.authenticate(request, new Set([GRAPH_AUDIENCE]), 'InvalidAuthenticationToken');
      return failure ?? handleGraph(this.world, request);
    }
    if (!this.armHosts().has(request.host)) return undefined;
    if (request.path === IDENTITY_PATH) return handleIdentityEndpoint(this.world, this.tokens, this.identitySecret, request);
    const failure = this.authenticate(request, this.armAudiences(), 'AuthenticationFailed');
    return failure ?? routeArm({ world: this.world, pageSize: this.pageSize, runCommands: this.runCommands, kubeServers: this.kubeServers }, request);
  }

  private authenticate(request: EmuRequest, audiences: Set<string>, code: string): EmuResponse | undefined {
    const challenge = {
      'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${this.world.caller.tenantId}", error="invalid_token"`,
    };
    const bearer = bearerOf(request.headers);
    if (!bearer) return armError(401, code, "Authentication failed. The 'Authorization' header is missing or is not a Bearer token.", challenge);
    const claims = this.tokens.lookup(bearer, 'entra');
    if (!claims) return armError(401, code, 'Authentication failed. The access token is not one this emulator issued, or it has expired.', challenge);
    if (!audiences.has(claims.audience)) {
      return armError(
        401,
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource '${claims.audience}'. It should exactly match with one of the allowed audiences '${[...audiences].join("', '")}'.`,
        challenge,
      );
    }
    return undefined;
  }

  setFaults(faults: Fault[]): void {
    this.faults.set(faults);
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  childEnv(): Record<string, string> {
    if (!this.listener) throw new Error('childEnv() needs a listening emulator: use startEmulator()');
    return {
      IDENTITY_ENDPOINT: this.identityEndpoint,
      IDENTITY_HEADER: this.identitySecret,
      AZURE_RESOURCE_MANAGER_ENDPOINT: this.listener.origin,
      NODE_EXTRA_CA_CERTS: this.listener.certPath,
    };
  }

  async close(): Promise<void> {
    this.markClosed();
    await Promise.all([this.listener?.close(), this.kubeServers.close()]);
  }
}

function validateWorld(world: unknown): World {
  if (
    !isRecord(world) ||
    !isRecord(world['caller']) ||
    !Array.isArray(world['subscriptions']) ||
    !Array.isArray(world['resources']) ||
    !Array.isArray(world['roleAssignments'])
  ) {
    throw new TypeError('createEmulator: world must have caller, subscriptions, resources and roleAssignments');
  }
  return world as unknown as World;
}

/** In-process only: use `httpClient` (and `credential`) in every SDK client. */
export function createEmulator(options: EmulatorOptions): ArmEmulator {
  return new Emulator(validateWorld(options.world), options);
}

/** Also listens on https://127.0.0.1:<random port>; `childEnv()` tells another process how to reach it. */
export async function startEmulator(options: EmulatorOptions): Promise<ArmEmulator> {
  const emulator = new Emulator(validateWorld(options.world), options);
  await emulator.start();
  return emulator;
}
