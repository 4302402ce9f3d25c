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
import { acrSuffixOf } from './acr-hosts';
import type { CheckId } from './report';
import type { PullErrorClass, PullErrorClassification } from './pull-errors';
import { chainLinks, normalisePullText, readPullText, type PullTextFacts } from './pull-error-text';

export { normalisePullText } from './pull-error-text';

/**
 * Which registries a rule speaks about: ACR's answers and a third-party registry's mean different things.
 * `external` needs a named non-ACR host; `not-acr` also takes a message that names no registry.
 */
type HostKind = 'external' | 'not-acr';

export interface PullErrorRule {
  class: PullErrorClass;
  /** Where the rule comes from: the pull-errors row, or the tool whose output it reads. */
  source: string;
  pattern: RegExp;
  checks: CheckId[];
  meaning: string;
  /** Only for messages about this kind of registry. */
  host?: HostKind;
}

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
  "the registry refused the node's credentials: no pull role for the kubelet identity, an expired service principal, an ABAC condition — or a repository that does not exist (ACR answers anonymous requests with 401)";
const CANIPULL_DNS: RegExp =
  /Checking (?:host name resolution|CNAME) \([^)\s]*\): FAILED|Failed to resolve specified fqdn|Failed to get CNAME of the ACR/i;

export const PULL_ERROR_RULES: readonly PullErrorRule[] = [
  {
    class: 'unauthorized',
    source: 'canipull: managed identity',
    pattern: /Validating managed identity exist[ae]nce: FAILED|Getting managed identity token failed with/i,
    checks: ['identity.kubelet-on-nodes', 'identity.kubelet'],
    meaning: "the node could not get a token for the kubelet identity from IMDS (is the identity still assigned to the node pool's scale set?)",
  },
  {
    class: 'unauthorized',
    source: 'canipull: service principal',
    pattern: /Validating service principal credential: FAILED|Sign in to AAD failed with/i,
    checks: ['identity.sp-secret', 'identity.kubelet'],
    meaning: "the cluster's service principal could not sign in to Entra ID (expired or wrong secret)",
  },
  {
    class: 'firewall-denied',
    source: 'pull-errors row 1',
    pattern: /client with IP (?:'|\\u0027)[^'\\\s]+(?:'|\\u0027) is not allowed access/i,
    checks: ['network.ip-rules'],
    meaning: "the registry's firewall refused the node's egress IP",
  },
  {
    class: 'blob-denied',
    source: 'storage: AuthorizationFailure',
    pattern: /<Code>AuthorizationFailure<\/Code>|This request is not authorized to perform this operation/i,
    checks: ['network.data-endpoints', 'network.egress-path'],
    meaning:
      "the layer download from the registry's storage was refused (403 AuthorizationFailure from Azure Storage): a storage firewall, a service endpoint policy or a proxy on the nodes' subnet blocks the registry's blob / data endpoint",
  },
  {
    class: 'hub-rate-limit',
    source: 'Docker Hub: pull rate limit',
    pattern: /reached your (?:unauthenticated )?pull rate limit|docker\.com\/increase-rate-limit/i,
    checks: ['pods.pull-secrets', 'target.image-ref'],
    meaning:
      "Docker Hub refused the pull (429): the nodes pull anonymously and share their egress IPs' hourly limit — authenticate with an imagePullSecret, or import the image into your ACR (az acr import) and pull it from there",
  },
  {
    class: 'unauthorized-external',
    source: 'third-party registry: refused',
    pattern: /\b40[13]\b|unauthori[sz]ed|pull access denied|insufficient_scope|requested access to the resource is denied|denied: denied/i,
    host: 'external',
    checks: ['pods.pull-secrets', 'target.image-ref', 'image.exists'],
    meaning:
      'a third-party registry refused the pull: the kubelet identity means nothing there, so the pod needs an imagePullSecret with valid credentials for that registry — or the repository is private, renamed or does not exist',
  },
  {
    class: 'unauthorized-external',
    source: 'docker: pull access denied',
    pattern: /pull access denied|may require 'docker login'|requested access to the resource is denied/i,
    checks: ['pods.pull-secrets', 'target.image-ref', 'image.exists'],
    host: 'not-acr',
    meaning:
      'the registry refused the pull without saying whether the repository exists: it is private (the pod needs an imagePullSecret) or the name is wrong',
  },
  {
    class: 'forbidden',
    source: 'pull-errors row 2',
    pattern: /\b403 Forbidden\b/i,
    checks: FORBIDDEN_CHECKS,
    meaning:
      'the registry refused the connection (403): public access disabled, the egress IP not allowed, or DNS resolving to the public endpoint while only a private endpoint is allowed',
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
    pattern: /no match for platform in manifest|no matching manifest for|exec format error/i,
    checks: ['image.platform'],
    meaning: "the image has no variant for the node's OS/architecture",
  },
  {
    class: 'unauthorized',
    source: 'pull-errors rows 4, 4b',
    pattern: /\b401 Unauthorized\b|insufficient_scope|pull access denied/i,
    checks: UNAUTHORIZED_CHECKS,
    meaning: UNAUTHORIZED_MEANING,
  },
  {
    class: 'unauthorized',
    source: 'pull-errors row 4c',
    pattern: /unauthorized: authentication required|UNAUTHORIZED: authentication required/i,
    checks: UNAUTHORIZED_CHECKS,
    meaning: UNAUTHORIZED_MEANING,
  },
  {
    class: 'not-found',
    source: 'pull-errors row 5',
    pattern: /code = NotFound|:\s?not found\b|manifest unknown/i,
    checks: ['image.exists'],
    meaning: 'the repository or tag does not exist (the node was allowed in)',
  },
  {
    class: 'dns',
    source: 'pull-errors row 6',
    pattern:
      /lookup [^\s:]{1,253}(?: on [0-9a-f.:[\]]{1,64}:53)?: (?:no such host|server misbehaving|i\/o timeout|(?:read|dial) udp [^\s:]{1,64}(?::\d{1,5})?(?:->[^\s:]{1,64}:\d{1,5})?: i\/o timeout)/i,
    checks: ['target.image-ref', 'network.private-dns'],
    meaning:
      'the registry name does not resolve from the node: a typo in the host, a private DNS zone not linked to the cluster VNet, or custom DNS not forwarding privatelink.azurecr.io',
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
    pattern: /dial tcp(?: (?:\[[0-9a-f:.]{1,64}\]|[0-9.]{7,15}|[a-z0-9.-]{1,253}):\d{1,5})?: (?:i\/o timeout|connect: connection timed out)/i,
    checks: ['network.private-endpoint', 'network.egress-path'],
    meaning: "the node could not reach the registry's IP (peering, route table, firewall or NSG)",
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
    meaning: "the image names a host the registry's certificate does not cover (e.g. the privatelink name): use <registry>.azurecr.io",
  },
  {
    class: 'cert-untrusted',
    source: 'TLS: untrusted certificate',
    pattern:
      /x509: certificate signed by unknown authority|x509: certificate has expired|certificate verify failed|tls: failed to verify certificate/i,
    checks: ['network.egress-path'],
    meaning:
      'the node did not trust the certificate it was shown: a proxy or firewall doing TLS inspection re-signs the traffic with its own CA (exempt the registry and its data endpoints from inspection), or a private registry uses a CA the nodes do not have',
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
    pattern: /toomanyrequests|too many requests|(?:status(?: code)?|HTTP\/[\d.]{1,5})[:=]?\s?429\b/i,
    checks: [],
    meaning:
      "the registry throttled the requests (429): the registry's SKU limits the rate of pulls — many nodes pulling at once, or an ACR cache rule hitting its upstream's limit",
  },
  {
    class: 'pull-secret-missing',
    source: 'pull-errors row 15',
    pattern: /Unable to retrieve (?:some image )?pull secrets?/i,
    checks: ['pods.pull-secrets'],
    meaning: 'the pod references an imagePullSecret that does not exist in its namespace',
  },
  {
    class: 'invalid-name',
    source: 'pull-errors row 16',
    pattern: /InvalidImageName|couldn't parse image (?:reference|name)|invalid reference format|Failed to apply default image tag/i,
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
    class: 'server-error',
    source: 'HTTP 5xx',
    pattern:
      /\b(?:500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out)\b|: Service Unavailable\b|status: 50[0234]\b/i,
    checks: ['network.egress-path', 'target.image-ref'],
    meaning:
      'the registry — or a proxy in front of it — answered with a server error (5xx): a proxy or TLS-inspecting firewall on the egress path, a host that is not the registry (a typo such as azureacr.io), or a passing registry outage',
  },
  {
    class: 'unauthorized',
    source: 'canipull: image pull permission',
    pattern: /Validating image pull permission: FAILED|rejected token exchange/i,
    checks: ['rbac.pull-role', 'rbac.misassigned', 'registry.arm-audience', 'rbac.deny'],
    meaning:
      "the registry refused the kubelet identity's token exchange: no pull role at registry level (or ARM-audience tokens disabled on the registry)",
  },
  {
    class: 'dns',
    source: 'canipull: DNS',
    pattern: CANIPULL_DNS,
    checks: ['network.private-dns', 'target.image-ref'],
    meaning: "the node could not resolve the registry's login server",
  },
  {
    class: 'unauthorized',
    source: 'az aks update --attach-acr: role assignment',
    pattern: /Could not create a role assignment for ACR/i,
    checks: ['rbac.pull-role'],
    meaning:
      'attach-acr could not create the AcrPull assignment (the person running it cannot write role assignments on the registry), so the kubelet identity probably still has no pull role',
  },
  {
    class: 'not-found',
    source: 'az aks update --attach-acr: registry',
    pattern: /ACR \S+ not found\. Have you provided the right ACR name/i,
    checks: ['target.registry'],
    meaning: "attach-acr looks a registry name up in the current subscription only: pass the registry's resource id instead",
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

/** Classes that describe a symptom on the way rather than the reason: a later link of the chain explains better. */
const WEAK: ReadonlySet<PullErrorClass> = new Set(['server-error', 'unclassified']);

/** Redacted hosts (`<registry>.azurecr.io`, `***`) still tell ACR by their suffix; otherwise they name nothing. */
function hostFits(kind: HostKind | undefined, host: string | undefined): boolean {
  if (kind === undefined) return true;
  if (host !== undefined && acrSuffixOf(host) !== undefined) return false;
  const named = host !== undefined && /^[a-z0-9.-]{1,253}(?::\d{1,5})?$/.test(host);
  return named || kind === 'not-acr';
}

function ruleFor(text: string, facts: PullTextFacts): PullErrorRule | undefined {
  return PULL_ERROR_RULES.find((rule) => hostFits(rule.host, facts.registryHost) && rule.pattern.test(text));
}

interface Reading {
  rule: PullErrorRule | undefined;
  facts: PullTextFacts;
}

/**
 * The rule that explains a (normalised) message. A chain of errors is read link by link and the first link
 * that explains the pull wins — a platform mismatch followed by an anonymous-token 401 is a platform problem —
 * with the facts of the whole message filling in what the link does not name.
 */
function read(clean: string): Reading {
  const whole = readPullText(clean);
  let fallback: PullErrorRule | undefined;
  for (const link of chainLinks(clean)) {
    const facts = { ...whole, ...readPullText(link) };
    const rule = ruleFor(link, facts);
    if (rule && !WEAK.has(rule.class)) return { rule, facts: whole };
    fallback ??= rule;
  }
  return { rule: fallback ?? ruleFor(clean, whole), facts: whole };
}

/** The rule that explains a pull-error text, or undefined when none does. */
export function matchPullErrorRule(text: string): PullErrorRule | undefined {
  return read(normalisePullText(text)).rule;
}

export function classifyPullError(text: string): PullErrorClassification {
  const { rule = UNCLASSIFIED, facts } = read(normalisePullText(text));
  return { class: rule.class, checks: [...rule.checks], meaning: rule.meaning, ...facts };
}
