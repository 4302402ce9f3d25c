/**
 * The pull-error classes of docs/domain.md#pull-error-messages: kubelet / containerd / docker text → what went wrong and which checks
 * explain it. The first rule that matches wins, so the order below is part of the meaning:
 *
 * - canipull's identity lines come first: when a pasted `az aks check-acr` output says the node could not get a
 *   token at all, that is the cause, whatever status text follows it.
 * - pull-errors rows 1–17 follow in their order, with one deliberate change: row 10 (blob / data endpoint) sits before
 *   rows 7–9, because a layer download that times out on `*.blob.core.windows.net` or `*.data.azurecr.io` would
 *   otherwise be reported as a plain timeout and hide the data-endpoint firewall rule that causes it.
 * - canipull's remaining lines and the `az aks update --attach-acr` messages come last: when they carry the
 *   underlying network or DNS error, rows 1–17 already read it more precisely.
 *
 * Extraction (registry host, repository, tag, IP, DNS server) does not depend on which rule matched.
 */
import type { CheckId } from './report';
import type { PullErrorClass, PullErrorClassification } from './pull-errors';
import { parseImageRef } from './target';

export interface PullErrorRule {
  class: PullErrorClass;
  /** Where the rule comes from: the pull-errors row, or the tool whose output it reads. */
  source: string;
  pattern: RegExp;
  checks: CheckId[];
  meaning: string;
}

/** Pasted logs can be long; every rule is linear, but there is no reason to read megabytes. */
const MAX_TEXT = 65_536;

const UNAUTHORIZED_CHECKS: CheckId[] = [
  'rbac.pull-role',
  'rbac.abac-condition',
  'rbac.misassigned',
  'rbac.deny',
  'identity.kubelet',
  'identity.kubelet-on-nodes',
  'identity.sp-secret',
  'identity.cross-tenant',
  'image.exists',
];
const FORBIDDEN_CHECKS: CheckId[] = ['network.public-access', 'network.ip-rules', 'network.private-dns'];
const UNAUTHORIZED_MEANING =
  'the registry refused the node\'s credentials: no pull role for the kubelet identity, an expired service principal, an ABAC condition — or a repository that does not exist (ACR answers anonymous requests with 401)';
const CANIPULL_DNS: RegExp = /Checking (?:host name resolution|CNAME) \([^)\s]*\): FAILED|Failed to resolve specified fqdn|Failed to get CNAME of the ACR/i;

export const PULL_ERROR_RULES: readonly PullErrorRule[] = [
  {
    class: 'unauthorized',
    source: 'canipull: managed identity',
    pattern: /Validating managed identity exist[ae]nce: FAILED|Getting managed identity token failed with/i,
    checks: ['identity.kubelet-on-nodes', 'identity.kubelet'],
    meaning: 'the node could not get a token for the kubelet identity from IMDS (is the identity still assigned to the node pool\'s scale set?)',
  },
  {
    class: 'unauthorized',
    source: 'canipull: service principal',
    pattern: /Validating service principal credential: FAILED|Sign in to AAD failed with/i,
    checks: ['identity.sp-secret', 'identity.kubelet'],
    meaning: 'the cluster\'s service principal could not sign in to Entra ID (expired or wrong secret)',
  },
  {
    class: 'firewall-denied',
    source: 'pull-errors row 1',
    pattern: /client with IP (?:'|\\u0027)[^'\\\s]+(?:'|\\u0027) is not allowed access/i,
    checks: ['network.ip-rules'],
    meaning: 'the registry\'s firewall refused the node\'s egress IP',
  },
  {
    class: 'forbidden',
    source: 'pull-errors row 2',
    pattern: /\b403 Forbidden\b/i,
    checks: FORBIDDEN_CHECKS,
    meaning: 'the registry refused the connection (403): public access disabled, the egress IP not allowed, or DNS resolving to the public endpoint while only a private endpoint is allowed',
  },
  {
    class: 'forbidden',
    source: 'pull-errors row 2b',
    pattern: /status: 403 Forbidden|don't have access to registry/i,
    checks: FORBIDDEN_CHECKS,
    meaning: 'the registry refused the connection (403): public access disabled or the client IP not allowed',
  },
  {
    class: 'platform',
    source: 'pull-errors row 3',
    pattern: /no match for platform in manifest|exec format error/i,
    checks: ['image.platform'],
    meaning: 'the image has no variant for the node\'s OS/architecture',
  },
  {
    class: 'unauthorized',
    source: 'pull-errors rows 4, 4b',
    pattern: /\b401 Unauthorized\b/i,
    checks: UNAUTHORIZED_CHECKS,
    meaning: UNAUTHORIZED_MEANING,
  },
  {
    class: 'unauthorized',
    source: 'pull-errors row 4c',
    pattern: /unauthorized: authentication required/i,
    checks: UNAUTHORIZED_CHECKS,
    meaning: UNAUTHORIZED_MEANING,
  },
  {
    class: 'not-found',
    source: 'pull-errors row 5',
    pattern: /code = NotFound|: not found\s*$|manifest unknown/im,
    checks: ['image.exists'],
    meaning: 'the repository or tag does not exist (the node was allowed in)',
  },
  {
    class: 'dns',
    source: 'pull-errors row 6',
    pattern: /lookup \S+?(?: on \S+?:53)?: (?:no such host|server misbehaving|read udp \S+: i\/o timeout|dial udp \S+: i\/o timeout)/i,
    checks: ['target.image-ref', 'network.private-dns'],
    meaning: 'the registry name does not resolve from the node: a typo in the host, a private DNS zone not linked to the cluster VNet, or custom DNS not forwarding privatelink.azurecr.io',
  },
  {
    class: 'blob-blocked',
    source: 'pull-errors row 10',
    pattern: /^(?=[\s\S]*(?:blob\.core\.windows\.net|\.data\.azurecr\.(?:io|cn|us|de)))(?=[\s\S]*(?:\bEOF\b|timeout|connection reset))/i,
    checks: ['network.data-endpoints'],
    meaning: 'the manifest was read but the layer download was blocked: the data endpoint or storage host is not allowed by the firewall/proxy',
  },
  {
    class: 'timeout',
    source: 'pull-errors row 7',
    pattern: /dial tcp (?:\[[0-9a-f:.]+\]|[0-9.]+):\d+: (?:i\/o timeout|connect: connection timed out)/i,
    checks: ['network.private-endpoint', 'network.egress-path'],
    meaning: 'the node could not reach the registry\'s IP (peering, route table, firewall or NSG)',
  },
  {
    class: 'tls-timeout',
    source: 'pull-errors row 8',
    pattern: /TLS handshake timeout/i,
    checks: ['network.egress-path'],
    meaning: 'a firewall, proxy or appliance on the egress path interfered with the TLS handshake',
  },
  {
    class: 'client-timeout',
    source: 'pull-errors row 9',
    pattern: /Client\.Timeout exceeded|context deadline exceeded/i,
    checks: ['network.egress-path'],
    meaning: 'the request to the registry timed out: a slow or blocked egress path',
  },
  {
    class: 'eof',
    source: 'pull-errors row 11',
    pattern: /: EOF\s*$|connection reset by peer/im,
    checks: ['network.egress-path'],
    meaning: 'the connection was cut mid-request, usually by a firewall or proxy on the egress path',
  },
  {
    class: 'cert-name',
    source: 'pull-errors row 12',
    pattern: /x509: certificate is valid for/i,
    checks: ['target.image-ref'],
    meaning: 'the image names a host the registry\'s certificate does not cover (e.g. the privatelink name): use <registry>.azurecr.io',
  },
  {
    class: 'throttled',
    source: 'pull-errors row 13',
    pattern: /pull QPS exceeded/i,
    checks: ['pull.throttling'],
    meaning: 'kubelet throttled its own pulls (registryPullQPS)',
  },
  {
    class: 'too-many-requests',
    source: 'pull-errors row 14',
    pattern: /toomanyrequests|too many requests|(?:status(?: code)?|HTTP\/[\d.]+)[:=]?\s*429\b/i,
    checks: [],
    meaning: 'the registry throttled the requests (429)',
  },
  {
    class: 'pull-secret-missing',
    source: 'pull-errors row 15',
    pattern: /Unable to retrieve some image pull secrets/i,
    checks: ['pods.pull-secrets'],
    meaning: 'the pod references an imagePullSecret that does not exist in its namespace',
  },
  {
    class: 'invalid-name',
    source: 'pull-errors row 16',
    pattern: /InvalidImageName|couldn't parse image (?:reference|name)|invalid reference format/i,
    checks: ['target.image-ref'],
    meaning: 'the image reference is malformed (uppercase letters, invalid characters)',
  },
  {
    class: 'host-unreachable',
    source: 'pull-errors row 17',
    pattern: /host is not reachable|no route to host|network is unreachable|connect: connection refused/i,
    checks: ['network.egress-path', 'network.private-endpoint', 'network.private-dns', 'network.public-access'],
    meaning: 'the registry host could not be reached from the node',
  },
  {
    class: 'unauthorized',
    source: 'canipull: image pull permission',
    pattern: /Validating image pull permission: FAILED|rejected token exchange/i,
    checks: ['rbac.pull-role', 'rbac.misassigned', 'registry.arm-audience', 'rbac.deny'],
    meaning: 'the registry refused the kubelet identity\'s token exchange: no pull role at registry level (or ARM-audience tokens disabled on the registry)',
  },
  {
    class: 'dns',
    source: 'canipull: DNS',
    pattern: CANIPULL_DNS,
    checks: ['network.private-dns', 'target.image-ref'],
    meaning: 'the node could not resolve the registry\'s login server',
  },
  {
    class: 'unauthorized',
    source: 'az aks update --attach-acr: role assignment',
    pattern: /Could not create a role assignment for ACR/i,
    checks: ['rbac.pull-role'],
    meaning: 'attach-acr could not create the AcrPull assignment (the person running it cannot write role assignments on the registry), so the kubelet identity probably still has no pull role',
  },
  {
    class: 'not-found',
    source: 'az aks update --attach-acr: registry',
    pattern: /ACR \S+ not found\. Have you provided the right ACR name/i,
    checks: ['target.registry'],
    meaning: 'attach-acr looks a registry name up in the current subscription only: pass the registry\'s resource id instead',
  },
  {
    class: 'unauthorized',
    source: 'az aks update --attach-acr: kubelet identity',
    pattern: /Unexpected error getting kubelet's identity for the cluster/i,
    checks: ['identity.kubelet'],
    meaning: 'the cluster has no kubelet identity, so there is nothing to grant the pull role to',
  },
];

const UNCLASSIFIED: Omit<PullErrorRule, 'pattern' | 'source'> = {
  class: 'unclassified',
  checks: [],
  meaning: 'the text matches no known pull-error pattern',
};

/** ANSI colour codes (canipull colours SUCCEEDED/FAILED) and canipull's `[<RFC3339>] ` line prefixes. */
export function normalisePullText(text: string): string {
  return text
    .slice(0, MAX_TEXT)
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/^\s*\[\d{4}-\d{2}-\d{2}T[^\]\s]*\]\s?/gm, '');
}

function decode(value: string): string {
  const common = value.replace(/%3a/gi, ':').replace(/%2f/gi, '/');
  try {
    return decodeURIComponent(common);
  } catch {
    return common;
  }
}

interface ImageParts {
  host: string;
  repository: string;
  tag?: string;
}

/**
 * An image reference found in the text. Malformed ones (the InvalidImageName case) are still split the way
 * containerd would, so the person sees which repository the pod asked for.
 */
function splitImage(reference: string): ImageParts | undefined {
  try {
    const ref = parseImageRef(reference);
    return { host: ref.host, repository: ref.repository, ...(ref.tag !== undefined && { tag: ref.tag }) };
  } catch {
    const withoutDigest = reference.split('@')[0] ?? '';
    const slash = withoutDigest.indexOf('/');
    const first = slash < 0 ? '' : withoutDigest.slice(0, slash);
    const hasHost = slash > 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
    const rest = hasHost ? withoutDigest.slice(slash + 1) : withoutDigest;
    const colon = rest.lastIndexOf(':');
    const repository = colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest;
    const tag = colon > rest.lastIndexOf('/') ? rest.slice(colon + 1) : undefined;
    if (repository === '') return undefined;
    return { host: hasHost ? first.toLowerCase() : 'docker.io', repository, ...(tag && { tag }) };
  }
}

type Extracted = Pick<PullErrorClassification, 'registryHost' | 'repository' | 'tag' | 'ip' | 'dnsServer'>;

function extract(text: string): Extracted {
  const quoted =
    /(?:image|reference) "([^"\s]+)"/i.exec(text)?.[1] ?? /manifest for (\S+) not found/i.exec(text)?.[1];
  const image = quoted === undefined ? undefined : splitImage(quoted);
  const v2 = /https?:\/\/([^/\s"]+)\/v2\/([^"\s]+?)\/(manifests|blobs)\/([^"\s,:]+(?::[a-f0-9]+)?)/i.exec(text);
  const scope = /scope=repository(?:%3A|:)([^&\s"]+?)(?:%3A|:)(?:pull|push)/i.exec(text);
  const service = /[?&]service=([^&\s"]+)/i.exec(text);
  const lookup = /lookup ([^\s:]+?)\.?(?: on ([0-9a-f.:[\]]+?):53)?: /i.exec(text);
  const certName = /x509: certificate is valid for [^\n]*?, not ([\w.-]+)/i.exec(text);
  const canipull = /(?:\(|ACR |fqdn )([a-z0-9-]+(?:\.[a-z0-9-]+)*\.azurecr\.(?:io|cn|us|de))\b/i.exec(text);
  const firewall = /client with IP (?:'|\\u0027)([^'\\\s]+)(?:'|\\u0027)/i.exec(text);
  const dialled = /dial tcp (\[[0-9a-f:.]+\]|[0-9.]+):\d+/i.exec(text);

  const registryHost =
    image?.host ?? v2?.[1] ?? (service ? decode(service[1] ?? '').replace(/[:,.;]+$/, '') : undefined) ?? lookup?.[1] ?? certName?.[1] ?? canipull?.[1];
  const repository = image?.repository ?? (v2 ? decode(v2[2] ?? '') : undefined) ?? (scope ? decode(scope[1] ?? '') : undefined);
  const manifestRef = v2 && v2[3]?.toLowerCase() === 'manifests' && !(v2[4] ?? '').includes(':') ? v2[4] : undefined;
  const tag = image ? image.tag : manifestRef;
  const ip = firewall?.[1] ?? dialled?.[1]?.replace(/^\[|\]$/g, '');
  const dnsServer = lookup?.[2];
  return {
    ...(registryHost !== undefined && { registryHost: registryHost.toLowerCase() }),
    ...(repository !== undefined && { repository }),
    ...(tag !== undefined && { tag }),
    ...(ip !== undefined && { ip }),
    ...(dnsServer !== undefined && { dnsServer }),
  };
}

/** The rule that explains a pull-error text (first match in table order), or undefined when none does. */
export function matchPullErrorRule(text: string): PullErrorRule | undefined {
  const clean = normalisePullText(text);
  return PULL_ERROR_RULES.find((rule) => rule.pattern.test(clean));
}

export function classifyPullError(text: string): PullErrorClassification {
  const rule = matchPullErrorRule(text) ?? UNCLASSIFIED;
  return { class: rule.class, checks: [...rule.checks], meaning: rule.meaning, ...extract(normalisePullText(text)) };
}
