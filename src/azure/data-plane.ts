/**
 * Reads that no ARM SDK covers, sent through the clients' shared pipeline with a bearer token of the right
 * audience: the ACR data plane (does the image exist, for which platforms) and Microsoft Graph (service
 * principal clusters). Both are done with the BOT's identity, so a failure says nothing about the nodes.
 */
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import { failed, ok, skipped, type ImageFact, type Read, type ServicePrincipalFact } from '../triage/evidence';
// Only ACR login servers ever see the bot's Entra token: a login server comes back from Azure and is data
// like any other, and a hostile one must not receive a token good for all of ARM.
import { isAcrHost } from '../triage/acr-hosts';
import type { ImageRef } from '../triage/refs';
import { ACR_AUDIENCE_SCOPE, type AzureClients } from './clients';
import { isGuid } from './arm-id';
import { obj, str } from './facts';
import { MalformedAnswerError, readArm } from './read';

const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

export class UntrustedRegistryHostError extends Error {
  readonly code = 'UntrustedRegistryHost';
  constructor(host: string) {
    super(`${host} is not an Azure Container Registry host (*.azurecr.io, .cn, .us, .de); the bot does not send its token there`);
    this.name = 'UntrustedRegistryHostError';
  }
}
const REPOSITORY = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** An HTTP answer other than the ones a step expects, carried to failureOf() like an SDK RestError. */
class HttpStatusError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly response: PipelineResponse,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

export interface ImageReadOptions {
  signal?: AbortSignal;
  deadlineMs?: number;
  /** The registry's tenant, for the token exchange. */
  tenantId?: string;
  /** The registry refuses ARM-audience tokens: ask for the ACR audience instead. */
  armAudienceDisabled?: boolean;
  /** This triage's registry tokens, possibly already being fetched (see RegistryTokens). */
  tokens?: RegistryTokens;
}

interface TokenRequest {
  armAudienceDisabled?: boolean;
  tenantId?: string;
  signal?: AbortSignal;
}

/**
 * One triage's data-plane tokens. The exchange (Entra token → registry refresh token) and the repository
 * token only need the login server and the repository, so a triage starts them as soon as it knows those —
 * beside the ARM reads — and the manifest read later finds them ready instead of paying two more round
 * trips. Failed attempts stay memoised: the reader that awaits one reports the failure as its own.
 */
export class RegistryTokens {
  private readonly refreshTokens = new Map<string, Promise<string>>();
  private readonly accessTokens = new Map<string, Promise<string>>();

  constructor(private readonly clients: AzureClients) {}

  /** Starts fetching without waiting; a failure surfaces to whoever awaits `access` later. */
  warm(loginServer: string, repository: string | undefined, request: TokenRequest = {}): void {
    if (!isAcrHost(loginServer) || (repository !== undefined && !REPOSITORY.test(repository))) return;
    const pending = repository ? this.access(loginServer, repository, request) : this.refresh(loginServer, request);
    pending.catch(() => undefined);
  }

  access(loginServer: string, repository: string, request: TokenRequest): Promise<string> {
    const key = `${loginServer}|${repository}|${audienceKey(request)}`;
    let token = this.accessTokens.get(key);
    if (!token) {
      token = this.refresh(loginServer, request).then(async (refresh) => {
        const response = await send(this.clients, 'POST', `https://${loginServer}/oauth2/token`, request.signal, {
          form: { grant_type: 'refresh_token', service: loginServer, scope: `repository:${repository}:pull`, refresh_token: refresh },
        });
        expect(response, [200], 'registry token');
        const access = str(json(response).access_token);
        if (!access) throw new MalformedAnswerError('registry token answered without access_token');
        return access;
      });
      this.accessTokens.set(key, token);
    }
    return token;
  }

  private refresh(loginServer: string, request: TokenRequest): Promise<string> {
    const key = `${loginServer}|${audienceKey(request)}`;
    let token = this.refreshTokens.get(key);
    if (!token) {
      token = (async () => {
        if (!isAcrHost(loginServer)) throw new UntrustedRegistryHostError(loginServer);
        const scope = request.armAudienceDisabled ? ACR_AUDIENCE_SCOPE : this.clients.scope;
        const entra = await this.clients.credential.getToken(scope, { abortSignal: request.signal });
        if (!entra) throw new Error('the credential returned no token');
        const exchange = await send(this.clients, 'POST', `https://${loginServer}/oauth2/exchange`, request.signal, {
          form: {
            grant_type: 'access_token',
            service: loginServer,
            ...(request.tenantId ? { tenant: request.tenantId } : {}),
            access_token: entra.token,
          },
        });
        expect(exchange, [200], 'token exchange');
        const refresh = str(json(exchange).refresh_token);
        if (!refresh) throw new MalformedAnswerError('token exchange answered without refresh_token');
        return refresh;
      })();
      this.refreshTokens.set(key, token);
    }
    return token;
  }
}

function audienceKey(request: TokenRequest): string {
  return request.armAudienceDisabled ? 'acr' : 'arm';
}

export async function readImage(
  clients: AzureClients,
  loginServer: string,
  image: ImageRef,
  options: ImageReadOptions = {},
): Promise<Read<ImageFact>> {
  const reference = image.digest ?? image.tag ?? 'latest';
  if (!HOST.test(loginServer) || !REPOSITORY.test(image.repository) || !(DIGEST.test(reference) || TAG.test(reference))) {
    return skipped(`the image reference ${image.raw} cannot be checked safely (unexpected characters)`, 'missing-input');
  }
  if (!isAcrHost(loginServer)) {
    return skipped(`the image ${image.raw} was not read: ${new UntrustedRegistryHostError(loginServer).message}`, 'missing-input');
  }
  const display = `${loginServer}/${image.repository}${image.digest ? `@${image.digest}` : `:${reference}`}`;
  const tokens = options.tokens ?? new RegistryTokens(clients);
  return readArm(
    {
      what: `image ${display} (registry data plane, with the bot's identity)`,
      needs: `a pull role (AcrPull, or Container Registry Repository Reader on ABAC registries) on ${loginServer} for the bot's identity, and network access from the bot to ${loginServer}`,
      signal: options.signal,
      deadlineMs: options.deadlineMs,
    },
    async (abortSignal) => {
      const base = `https://${loginServer}`;
      const access = await tokens.access(loginServer, image.repository, {
        armAudienceDisabled: options.armAudienceDisabled,
        tenantId: options.tenantId,
        signal: options.signal ?? abortSignal,
      });
      const bearer = { authorization: `Bearer ${access}` };

      const manifest = await send(clients, 'GET', `${base}/v2/${image.repository}/manifests/${reference}`, abortSignal, {
        headers: { ...bearer, accept: MANIFEST_ACCEPT },
      });
      if (manifest.status === 404) {
        const tags = await send(clients, 'GET', `${base}/v2/${image.repository}/tags/list`, abortSignal, { headers: bearer });
        const knownTags =
          tags.status === 200
            ? Array.isArray(json(tags).tags)
              ? (json(tags).tags as unknown[]).filter((t): t is string => typeof t === 'string')
              : []
            : undefined;
        return { reference: display, exists: false, ...(knownTags ? { knownTags: knownTags.slice(0, 20) } : {}) } satisfies ImageFact;
      }
      expect(manifest, [200], 'manifest');
      const body = json(manifest);
      const platforms = Array.isArray(body.manifests)
        ? body.manifests.map((m) => platformOf(obj(m).platform)).filter((p): p is NonNullable<typeof p> => p !== undefined)
        : await singlePlatform(clients, base, image.repository, body, bearer, abortSignal);
      return { reference: display, exists: true, ...(platforms ? { platforms } : {}) } satisfies ImageFact;
    },
  );
}

async function singlePlatform(
  clients: AzureClients,
  base: string,
  repository: string,
  manifest: Record<string, unknown>,
  bearer: Record<string, string>,
  abortSignal: AbortSignal,
): Promise<ImageFact['platforms']> {
  const digest = str(obj(manifest.config).digest);
  if (!digest || !DIGEST.test(digest)) return undefined;
  const config = await getFollowingRedirects(clients, `${base}/v2/${repository}/blobs/${digest}`, abortSignal, bearer);
  if (config.status !== 200) return undefined;
  const platform = platformOf(json(config));
  return platform ? [platform] : undefined;
}

function platformOf(value: unknown): { os: string; architecture: string; variant?: string } | undefined {
  const p = obj(value);
  const os = str(p.os);
  const architecture = str(p.architecture);
  if (!os || !architecture) return undefined;
  return { os, architecture, ...(str(p.variant) ? { variant: str(p.variant) } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Microsoft Graph

export interface GraphReadOptions {
  signal?: AbortSignal;
  deadlineMs?: number;
}

/** Service-principal clusters: the SP's object id (for role assignment filters) and its application's secret expiry dates. */
export async function readServicePrincipal(
  clients: AzureClients,
  appId: string,
  options: GraphReadOptions = {},
): Promise<{ objectId?: string; fact: Read<ServicePrincipalFact> }> {
  if (!isGuid(appId)) return { fact: failed({ kind: 'malformed', message: `The cluster's service principal client id is not a GUID: ${appId}` }) };
  const graph = clients.graphEndpoint;
  const spec = { signal: options.signal, deadlineMs: options.deadlineMs };
  const token = async (abortSignal: AbortSignal) => {
    const t = await clients.credential.getToken(`${graph}/.default`, { abortSignal });
    if (!t) throw new Error('the credential returned no Microsoft Graph token');
    return { authorization: `Bearer ${t.token}` };
  };
  // Independent reads: ask Graph both questions at once.
  const [sp, app] = await Promise.all([
    readArm(
      { ...spec, what: `service principal ${appId} in Microsoft Graph`, needs: 'Microsoft Graph Application.Read.All for the bot' },
      async (abortSignal) => {
        const response = await send(clients, 'GET', `${graph}/v1.0/servicePrincipals(appId='${appId}')?$select=id,displayName`, abortSignal, {
          headers: await token(abortSignal),
        });
        expect(response, [200], 'service principal');
        const id = str(json(response).id);
        if (!isGuid(id)) throw new MalformedAnswerError('service principal without an object id');
        return id.toLowerCase();
      },
    ),
    readArm(
      { ...spec, what: `the secrets of application ${appId} in Microsoft Graph`, needs: 'Microsoft Graph Application.Read.All for the bot' },
      async (abortSignal) => {
        const response = await send(clients, 'GET', `${graph}/v1.0/applications(appId='${appId}')?$select=passwordCredentials`, abortSignal, {
          headers: await token(abortSignal),
        });
        expect(response, [200], 'application');
        const creds = json(response).passwordCredentials;
        if (!Array.isArray(creds)) throw new MalformedAnswerError('application without passwordCredentials');
        return creds.map((c) => str(obj(c).endDateTime)).filter((d): d is string => d !== undefined);
      },
    ),
  ]);
  // Without the objectId no RBAC check can judge the cluster, so a failed lookup is a failed read — its
  // reason must reach the findings rather than a vague "not in the Graph answer".
  if (sp.state !== 'ok') return { fact: sp };
  if (app.state !== 'ok') return { objectId: sp.value, fact: app };
  return { objectId: sp.value, fact: ok({ appId, objectId: sp.value, secretEndDates: app.value }) };
}

// ---------------------------------------------------------------------------------------------
// transport helpers

async function send(
  clients: AzureClients,
  method: 'GET' | 'POST',
  url: string,
  abortSignal: AbortSignal | undefined,
  body: { form?: Record<string, string>; headers?: Record<string, string> },
): Promise<PipelineResponse> {
  const headers = createHttpHeaders(body.headers);
  if (body.form) headers.set('content-type', 'application/x-www-form-urlencoded');
  const request = createPipelineRequest({
    url,
    method,
    headers,
    abortSignal,
    ...(body.form ? { body: new URLSearchParams(body.form).toString() } : {}),
  });
  return clients.send(request);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 3;

/**
 * A GET that follows the registry's redirects (ACR serves blobs through a 307 to a signed storage URL). The
 * registry's token never leaves the registry's origin: the storage URL carries its own signature, and a
 * storage host refuses (or could keep) a bearer token it was never meant to see.
 */
async function getFollowingRedirects(
  clients: AzureClients,
  url: string,
  abortSignal: AbortSignal | undefined,
  headers: Record<string, string>,
): Promise<PipelineResponse> {
  const origin = new URL(url).origin;
  let target = url;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(target).origin === origin;
    const response = await send(clients, 'GET', target, abortSignal, { headers: sameOrigin ? headers : {} });
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || !location || hop >= MAX_REDIRECTS) return response;
    const next = new URL(location, target);
    if (next.protocol !== 'https:') return response;
    target = next.toString();
  }
}

function expect(response: PipelineResponse, statuses: number[], step: string): void {
  if (statuses.includes(response.status)) return;
  throw new HttpStatusError(response.status, `${step} answered ${response.status}`, response);
}

function json(response: PipelineResponse): Record<string, unknown> {
  try {
    return obj(JSON.parse(response.bodyAsText ?? ''));
  } catch {
    throw new MalformedAnswerError(`${response.request.url.split('?')[0]} answered ${response.status} with a body that is not JSON`);
  }
}
