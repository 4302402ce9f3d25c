/**
 * The ACR data plane on `<loginServer>` hosts, from `world.registryContent`: token exchange (`/oauth2/exchange`,
 * `/oauth2/token`), manifests (OCI index with platforms for multi-platform tags), config blobs (a 307 to a
 * signed storage URL, blob-redirects.ts) and tag lists.
 * Authorisation is ARM's: the token's principal must hold a pull role on the registry in its
 * `roleAssignmentMode` (ABAC conditions per repository), and ARM-audience Entra tokens are accepted only while
 * `azureADAuthenticationAsArmPolicy` is enabled. The caller is outside the registry's network, so a registry
 * with public access disabled or a default-deny firewall answers 403 DENIED.
 */
import { createHash } from 'node:crypto';
import type { ArmResource, World } from './scenario';
import { isRecord, jsonResponse, parseForm, type EmuRequest, type EmuResponse } from './wire';
import { canPull } from './rbac';
import { bearerOf, type TokenStore } from './tokens';
import type { BlobRedirects } from './blob-redirects';

export const ACR_AUDIENCE = 'https://containerregistry.azure.net';
/** Where the emulated bot calls from (never inside a registry's allowed networks). */
export const CALLER_IP = '203.0.113.10';

const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';

export function isRegistryHost(host: string): boolean {
  return /\.azurecr\.(io|cn|us|de)$/i.test(host);
}

export interface DataPlaneContext {
  world: World;
  tokens: TokenStore;
  /** Normalised audiences that count as ARM tokens. */
  armAudiences: Set<string>;
  /** Blob content is served through a 307 to a signed storage URL, as ACR does. */
  blobs: BlobRedirects;
}

function acrError(status: number, code: string, message: string, headers: Record<string, string> = {}): EmuResponse {
  return jsonResponse(status, { errors: [{ code, message, detail: null }] }, headers);
}

function findRegistry(world: World, host: string): ArmResource | undefined {
  return world.resources.find(
    (r) => r.type.toLowerCase() === 'microsoft.containerregistry/registries' && String(r.properties?.['loginServer'] ?? '').toLowerCase() === host,
  );
}

function networkDenied(registry: ArmResource): boolean {
  const p = registry.properties ?? {};
  if (String(p['publicNetworkAccess'] ?? 'Enabled').toLowerCase() === 'disabled') return true;
  const rules = p['networkRuleSet'];
  return isRecord(rules) && String(rules['defaultAction'] ?? 'Allow').toLowerCase() === 'deny';
}

function armAudienceDisabled(registry: ArmResource): boolean {
  const policies = registry.properties?.['policies'];
  const policy = isRecord(policies) ? policies['azureADAuthenticationAsArmPolicy'] : undefined;
  return isRecord(policy) && String(policy['status'] ?? '').toLowerCase() === 'disabled';
}

function digestOf(content: string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

interface Artifact {
  mediaType: string;
  content: string;
  digest: string;
}

type Platform = { os: string; architecture: string; variant?: string };

function imageOf(repository: string, tag: string, platform: Platform): { manifest: Artifact; config: Artifact } {
  const configContent = JSON.stringify({
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: {},
    rootfs: { type: 'layers', diff_ids: [digestOf(`${repository}:${tag}:${platform.os}/${platform.architecture}:layer`)] },
  });
  const config = { mediaType: CONFIG_TYPE, content: configContent, digest: digestOf(configContent) };
  const manifestContent = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: CONFIG_TYPE, digest: config.digest, size: Buffer.byteLength(configContent) },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: digestOf(`${repository}:${tag}:${platform.architecture}:blob`),
        size: 1024,
      },
    ],
  });
  return { manifest: { mediaType: MANIFEST_TYPE, content: manifestContent, digest: digestOf(manifestContent) }, config };
}

/** Every artifact of a repository, keyed by tag and by digest. */
function artifactsOf(repository: string, tags: Record<string, Platform[]>): { byTag: Map<string, Artifact>; byDigest: Map<string, Artifact> } {
  const byTag = new Map<string, Artifact>();
  const byDigest = new Map<string, Artifact>();
  for (const [tag, platforms] of Object.entries(tags)) {
    const images = platforms.map((p) => ({ platform: p, ...imageOf(repository, tag, p) }));
    for (const image of images) {
      byDigest.set(image.manifest.digest, image.manifest);
      byDigest.set(image.config.digest, image.config);
    }
    if (images.length === 1 && images[0]) {
      byTag.set(tag, images[0].manifest);
      continue;
    }
    const indexContent = JSON.stringify({
      schemaVersion: 2,
      mediaType: INDEX_TYPE,
      manifests: images.map((image) => ({
        mediaType: MANIFEST_TYPE,
        digest: image.manifest.digest,
        size: Buffer.byteLength(image.manifest.content),
        platform: {
          architecture: image.platform.architecture,
          os: image.platform.os,
          ...(image.platform.variant ? { variant: image.platform.variant } : {}),
        },
      })),
    });
    const index = { mediaType: INDEX_TYPE, content: indexContent, digest: digestOf(indexContent) };
    byTag.set(tag, index);
    byDigest.set(index.digest, index);
  }
  return { byTag, byDigest };
}

export function handleRegistry(ctx: DataPlaneContext, request: EmuRequest): EmuResponse | undefined {
  const registry = findRegistry(ctx.world, request.host);
  if (!registry) return undefined;
  if (networkDenied(registry)) {
    return acrError(403, 'DENIED', `client with IP '${CALLER_IP}' is not allowed access. Refer https://aka.ms/acr/firewall to grant access.`);
  }
  const path = request.path.replace(/\/+$/, '');
  if (path === '/oauth2/exchange') return exchange(ctx, registry, request);
  if (path === '/oauth2/token') return token(ctx, registry, request);
  if (path === '/v2' || path.startsWith('/v2/')) return v2(ctx, registry, request, path);
  return acrError(404, 'NOT_FOUND', `The emulator's registry data plane does not serve '${request.path}'.`);
}

function exchange(ctx: DataPlaneContext, registry: ArmResource, request: EmuRequest): EmuResponse {
  if (request.method !== 'POST') return acrError(405, 'UNSUPPORTED', 'POST /oauth2/exchange');
  const form = parseForm(request.bodyText);
  if (form['grant_type'] !== 'access_token' && form['grant_type'] !== 'access_token_refresh_token') {
    return acrError(400, 'UNSUPPORTED', "grant_type must be 'access_token'.");
  }
  if ((form['service'] ?? '').toLowerCase() !== request.host) return acrError(400, 'UNSUPPORTED', `service must be '${request.host}'.`);
  const claims = ctx.tokens.lookup(form['access_token'], 'entra');
  if (!claims) return acrError(401, 'UNAUTHORIZED', 'The access token is not valid or has expired.');
  const isAcrAudience = claims.audience === ACR_AUDIENCE;
  const isArmAudience = ctx.armAudiences.has(claims.audience);
  if (!isAcrAudience && !isArmAudience) {
    return acrError(
      401,
      'UNAUTHORIZED',
      `The access token's audience '${claims.audience}' is not accepted; request a token for ${ACR_AUDIENCE}/.default.`,
    );
  }
  if (isArmAudience && armAudienceDisabled(registry)) {
    return acrError(
      401,
      'UNAUTHORIZED',
      `ARM-audience tokens are disabled on ${request.host} (azureADAuthenticationAsArmPolicy). Request a token for ${ACR_AUDIENCE}/.default.`,
    );
  }
  if (!canPull(ctx.world, registry, claims.principalId)) {
    return acrError(401, 'UNAUTHORIZED', `The identity ${claims.principalId} does not have pull permission on ${request.host}.`);
  }
  const refresh = ctx.tokens.issue(
    { kind: 'acr-refresh', audience: request.host, principalId: claims.principalId, tenantId: claims.tenantId },
    3 * 3600,
  );
  return jsonResponse(200, { refresh_token: refresh.token });
}

function token(ctx: DataPlaneContext, registry: ArmResource, request: EmuRequest): EmuResponse {
  const params = request.method === 'POST' ? parseForm(request.bodyText) : request.query;
  const refresh = ctx.tokens.lookup(params['refresh_token'], 'acr-refresh');
  const anonymous = request.method === 'GET' && params['refresh_token'] === undefined;
  if (!anonymous && (!refresh || refresh.audience !== request.host))
    return acrError(401, 'UNAUTHORIZED', 'The refresh token is not valid for this registry.');
  if (anonymous && registry.properties?.['anonymousPullEnabled'] !== true) {
    return acrError(401, 'UNAUTHORIZED', 'authentication required, visit https://aka.ms/acr/authorization for more information.');
  }
  const repositories = (params['scope'] ?? '')
    .split(' ')
    .map((scope) => /^repository:([^:]+):(.+)$/.exec(scope))
    .filter((m): m is RegExpExecArray => m !== null && (m[2] ?? '').split(',').includes('pull'))
    .map((m) => m[1] ?? '')
    .filter((repo) => anonymous || canPull(ctx.world, registry, refresh?.principalId ?? '', repo));
  const access = ctx.tokens.issue({
    kind: 'acr-access',
    audience: request.host,
    principalId: refresh?.principalId ?? 'anonymous',
    tenantId: refresh?.tenantId ?? '',
    pullRepositories: repositories,
  });
  return jsonResponse(200, { access_token: access.token });
}

function challenge(host: string, repository?: string): Record<string, string> {
  const scope = repository ? `,scope="repository:${repository}:pull"` : '';
  return { 'www-authenticate': `Bearer realm="https://${host}/oauth2/token",service="${host}"${scope}` };
}

function v2(ctx: DataPlaneContext, registry: ArmResource, request: EmuRequest, path: string): EmuResponse {
  if (request.method !== 'GET' && request.method !== 'HEAD') return acrError(405, 'UNSUPPORTED', 'The emulator serves pulls only.');
  const claims = ctx.tokens.lookup(bearerOf(request.headers), 'acr-access');
  const match = /^\/v2\/(.+)\/(manifests|blobs|tags)\/([^/]+)$/.exec(path);
  const repository = match?.[1];
  if (!claims || claims.audience !== request.host) {
    return acrError(
      401,
      'UNAUTHORIZED',
      'authentication required, visit https://aka.ms/acr/authorization for more information.',
      challenge(request.host, repository),
    );
  }
  if (path === '/v2') return jsonResponse(200, {});
  if (!match || repository === undefined) return acrError(404, 'NOT_FOUND', `The emulator's registry does not serve '${path}'.`);
  if (!(claims.pullRepositories ?? []).includes(repository)) {
    return acrError(
      401,
      'UNAUTHORIZED',
      'authentication required, visit https://aka.ms/acr/authorization for more information.',
      challenge(request.host, repository),
    );
  }
  const tags = ctx.world.registryContent?.[request.host]?.repositories[repository];
  if (!tags) return acrError(404, 'NAME_UNKNOWN', `repository name not known to registry: ${repository}`);
  const [, , kind, reference = ''] = match;
  if (kind === 'tags') {
    if (reference !== 'list') return acrError(404, 'NOT_FOUND', `'${path}' is not a tags route.`);
    return jsonResponse(200, { name: repository, tags: Object.keys(tags) });
  }
  const { byTag, byDigest } = artifactsOf(repository, tags);
  const artifact = reference.startsWith('sha256:') ? byDigest.get(reference) : byTag.get(reference);
  const isBlob = kind === 'blobs';
  if (!artifact || (isBlob ? artifact.mediaType !== CONFIG_TYPE : artifact.mediaType === CONFIG_TYPE)) {
    return isBlob
      ? acrError(404, 'BLOB_UNKNOWN', `blob unknown to registry: ${reference}`)
      : acrError(404, 'MANIFEST_UNKNOWN', `manifest tagged by "${reference}" is not found`);
  }
  const headers = {
    'content-type': artifact.mediaType,
    'docker-content-digest': artifact.digest,
    'content-length': String(Buffer.byteLength(artifact.content)),
  };
  if (isBlob && request.method === 'GET') return ctx.blobs.redirect(request.host, artifact.digest, { body: artifact.content, headers });
  return { status: 200, headers, ...(request.method === 'HEAD' ? {} : { body: artifact.content }) };
}
