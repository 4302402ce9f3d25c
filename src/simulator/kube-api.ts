/**
 * A Kubernetes API server per cluster, over HTTPS on 127.0.0.1, serving `world.kube[clusterId]` as the real
 * API does for the requests pod evidence makes: `GET /api/v1/<resource>` across namespaces with
 * `fieldSelector` (equality, inequality, comma = and; an unsupported field is 400), `limit`/`continue` paging
 * (`metadata.continue`, `remainingItemCount`), and `Status` objects for 401 (no or wrong token) and 403
 * (a resource the caller may not list). Entra-enabled clusters accept only Entra tokens for the AKS server
 * application; local-account clusters accept the token in the cluster-user kubeconfig. A stopped cluster,
 * or one whose authorized IP ranges do not admit 127.0.0.1, drops the connection, as an unreachable API
 * server does.
 */
import type { ArmResource, KubeState, World } from './scenario';
import type { KubeSection } from '../azure/kube-command';
import type { EmuRequest, EmuResponse } from './wire';
import { isRecord, jsonResponse } from './wire';
import { audienceOf, bearerOf, type TokenStore } from './tokens';

export const AKS_SERVER_APP = '6dae42f8-4368-4678-94ff-3960e28e3630';

const KINDS: Record<KubeSection, { list: string; stateKey: keyof KubeState; fields: string[] }> = {
  pods: {
    list: 'PodList',
    stateKey: 'pods',
    fields: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.serviceAccountName', 'status.phase'],
  },
  events: {
    list: 'EventList',
    stateKey: 'events',
    fields: [
      'metadata.name',
      'metadata.namespace',
      'involvedObject.kind',
      'involvedObject.name',
      'involvedObject.namespace',
      'reason',
      'type',
      'source',
    ],
  },
  nodes: { list: 'NodeList', stateKey: 'nodes', fields: ['metadata.name', 'spec.unschedulable'] },
  serviceaccounts: { list: 'ServiceAccountList', stateKey: 'serviceAccounts', fields: ['metadata.name', 'metadata.namespace'] },
  secrets: { list: 'SecretList', stateKey: 'pullSecrets', fields: ['metadata.name', 'metadata.namespace', 'type'] },
};

/** The token a local-account cluster's cluster-user kubeconfig carries. */
export function clusterUserToken(cluster: ArmResource): string {
  return `emulator-cluster-user-token.${cluster.name}`;
}

/** Clusters whose API server does not answer the bot at all (connection dropped). */
export function apiServerUnreachable(cluster: ArmResource): boolean {
  const props = cluster.properties ?? {};
  const power = isRecord(props['powerState']) ? props['powerState']['code'] : undefined;
  const access = isRecord(props['apiServerAccessProfile']) ? props['apiServerAccessProfile'] : {};
  const ranges = Array.isArray(access['authorizedIPRanges']) ? (access['authorizedIPRanges'] as unknown[]) : [];
  return power === 'Stopped' || (ranges.length > 0 && !ranges.some((r) => typeof r === 'string' && r.startsWith('127.')));
}

function status(code: number, reason: string, message: string): EmuResponse {
  return jsonResponse(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

function valueAt(item: unknown, path: string): string {
  let cur: unknown = item;
  for (const part of path.split('.')) cur = isRecord(cur) ? cur[part] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

/** Parses `a=b,c!=d`; undefined when a field is not one the API supports for the resource. */
function fieldFilter(selector: string, supported: string[]): ((item: unknown) => boolean) | string {
  const terms = selector.split(',').filter((t) => t.trim() !== '');
  const parsed: { field: string; value: string; negate: boolean }[] = [];
  for (const term of terms) {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) return `unable to parse requirement: ${term}`;
    if (!supported.includes(m[1]!)) return `field label not supported: ${m[1]}`;
    parsed.push({ field: m[1]!, value: m[3]!, negate: m[2] === '!=' });
  }
  return (item) => parsed.every((p) => (valueAt(item, p.field) === p.value) !== p.negate);
}

function itemsOf(state: KubeState | undefined, section: KubeSection): Record<string, unknown>[] {
  if (section === 'secrets') {
    // The world keeps names only; the API returns the whole secret (the bot must not keep its data).
    return (state?.pullSecrets ?? []).map((s) => ({
      metadata: { name: s.name, namespace: s.namespace },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{}}').toString('base64') },
    }));
  }
  const list = state?.[KINDS[section].stateKey];
  return Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
}

export interface KubeApiContext {
  world: World;
  tokens: TokenStore;
  cluster: ArmResource;
}

export function handleKubeApi({ world, tokens, cluster }: KubeApiContext, request: EmuRequest): EmuResponse {
  const props = cluster.properties ?? {};
  const aad = isRecord(props['aadProfile']) && props['aadProfile']['managed'] === true;
  const bearer = bearerOf(request.headers);
  const claims = tokens.lookup(bearer, 'entra');
  const user = aad
    ? claims && claims.audience === audienceOf(AKS_SERVER_APP)
      ? claims.principalId
      : undefined
    : bearer === clusterUserToken(cluster)
      ? 'clusterUser'
      : undefined;
  if (!user) return status(401, 'Unauthorized', 'Unauthorized');

  const m = /^\/api\/v1\/([a-z]+)$/.exec(request.path);
  const section = m?.[1] as KubeSection | undefined;
  if (request.method !== 'GET' || !section || !(section in KINDS)) return status(404, 'NotFound', 'the server could not find the requested resource');
  const state = world.kube?.[cluster.id.toLowerCase()];
  if (state?.forbidden?.includes(section)) {
    return status(403, 'Forbidden', `${section} is forbidden: User "${user}" cannot list resource "${section}" in API group "" at the cluster scope`);
  }
  const filter = request.query['fieldSelector'] ? fieldFilter(request.query['fieldSelector'], KINDS[section].fields) : () => true;
  if (typeof filter === 'string') return status(400, 'BadRequest', filter);
  const all = itemsOf(state, section).filter(filter);

  const start = request.query['continue'] ? Number(Buffer.from(request.query['continue'], 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0 || start > all.length) return status(400, 'BadRequest', 'invalid continue token');
  const limit = Number(request.query['limit'] ?? 0);
  const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
  const metadata: Record<string, unknown> = { resourceVersion: '123456' };
  if (end < all.length) {
    metadata['continue'] = Buffer.from(String(end)).toString('base64url');
    metadata['remainingItemCount'] = all.length - end;
  }
  return jsonResponse(200, { kind: KINDS[section].list, apiVersion: 'v1', metadata, items: all.slice(start, end) });
}
