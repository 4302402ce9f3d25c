/**
 * Real pull-error texts (docs/domain.md#pull-error-messages, kubelet/containerd/docker wording seen in public issue threads, and
 * pasted `az aks check-acr` output) mapped to their class, first check, the table row that must match, and
 * what can be read out of them.
 */
import { CHECK_IDS } from './report';
import { classifyPullError, matchPullErrorRule, normalisePullText, PULL_ERROR_RULES } from './pull-error-rules';
import type { PullErrorClassification } from './pull-errors';

const ESC = '\u001b';
const red = (s: string): string => `${ESC}[31m${s}${ESC}[0m`;
const BLOB = 'sha256:732cbede32a5c8b88862709b9e904092864ab820830e0f1ff344aaf2ecc7c69b';

type Expected = Pick<PullErrorClassification, 'class' | 'registryHost' | 'repository' | 'tag' | 'ip' | 'dnsServer'> & {
  firstCheck: string | undefined;
  source: string | undefined;
};

const CASES: [string, string, Expected][] = [
  [
    'ACR firewall via containerd',
    'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to resolve reference "myacr.azurecr.io/shop/api:1.4.2": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=myacr.azurecr.io: 403 Forbidden denied: {"errors":[{"code":"DENIED","message":"client with IP \'51.4.7.9\' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}',
    {
      class: 'firewall-denied',
      firstCheck: 'network.ip-rules',
      source: 'pull-errors row 1',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '1.4.2',
      ip: '51.4.7.9',
    },
  ],
  [
    'ACR firewall with JSON-escaped quotes (docker daemon)',
    'error response from daemon: Get "https://contoso.azurecr.io/v2/": denied: {"errors":[{"code":"DENIED","message":"client with IP \\u0027172.214.169.102\\u0027 is not allowed access. Refer https://aka.ms/acr/firewall to grant access."}]}',
    { class: 'firewall-denied', firstCheck: 'network.ip-rules', source: 'pull-errors row 1', ip: '172.214.169.102' },
  ],
  [
    '403 on the anonymous token',
    'failed to pull and unpack image "myacr.azurecr.io/shop/api:2.0": failed to resolve reference "myacr.azurecr.io/shop/api:2.0": failed to authorize: failed to fetch anonymous token: unexpected status: 403 Forbidden',
    {
      class: 'forbidden',
      firstCheck: 'network.public-access',
      source: 'pull-errors row 2',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '2.0',
    },
  ],
  [
    '403 on the token URL, repository only in the scope',
    'unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ateam%2Fweb%3Apull&service=myacr.azurecr.io: 403 Forbidden',
    {
      class: 'forbidden',
      firstCheck: 'network.public-access',
      source: 'pull-errors row 2',
      registryHost: 'myacr.azurecr.io',
      repository: 'team/web',
    },
  ],
  [
    'docker CLI: no access to registry',
    "Looks like you don't have access to registry 'myacr.azurecr.io'. Are you sure you have the right credentials?",
    { class: 'forbidden', firstCheck: 'network.public-access', source: 'pull-errors row 2b' },
  ],
  [
    'platform mismatch (with NotFound code)',
    'Failed to pull image "myacr.azurecr.io/shop/api:1.4.2": rpc error: code = NotFound desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": no match for platform in manifest: not found',
    {
      class: 'platform',
      firstCheck: 'image.platform',
      source: 'pull-errors row 3',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '1.4.2',
    },
  ],
  [
    'canipull on an arm64 node',
    'exec /canipull: exec format error',
    { class: 'platform', firstCheck: 'image.platform', source: 'pull-errors row 3' },
  ],
  [
    '401 anonymous token, newer containerd',
    'Failed to pull image "myacr.azurecr.io/team/app:1.2": failed to pull and unpack image "myacr.azurecr.io/team/app:1.2": failed to resolve reference "myacr.azurecr.io/team/app:1.2": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ateam%2Fapp%3Apull&service=myacr.azurecr.io: 401 Unauthorized',
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors rows 4, 4b',
      registryHost: 'myacr.azurecr.io',
      repository: 'team/app',
      tag: '1.2',
    },
  ],
  [
    '401 oauth token, older containerd',
    'rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/api:v1": failed to resolve reference "myacr.azurecr.io/api:v1": failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized',
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors rows 4, 4b',
      registryHost: 'myacr.azurecr.io',
      repository: 'api',
      tag: 'v1',
    },
  ],
  [
    '401 and a NotFound blob in one message: the 401 wins (row order)',
    `Failed to pull image "arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285": [failed to pull and unpack image "arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285": failed to resolve reference "arcgisenterprise248c2940cb03b8d5.azurecr.io/docker-hub/esridocker/enterprise-admin:11.4.0.6285": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://arcgisenterprise248c2940cb03b8d5.azurecr.io/oauth2/token?scope=repository%3Adocker-hub%2Fesridocker%2Fenterprise-admin%3Apull&service=arcgisenterprise248c2940cb03b8d5.azurecr.io: 401 Unauthorized, rpc error: code = NotFound desc = failed to copy: httpReadSeeker: failed open: could not fetch content descriptor ${BLOB} (application/vnd.docker.image.rootfs.diff.tar.gzip) from remote: not found]`,
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors rows 4, 4b',
      registryHost: 'arcgisenterprise248c2940cb03b8d5.azurecr.io',
      repository: 'docker-hub/esridocker/enterprise-admin',
      tag: '11.4.0.6285',
    },
  ],
  [
    'docker-era 401 (URL without quotes)',
    'Failed to pull image "ugsampleacr.azurecr.io/mssampleaksapplication:v1": rpc error: code = Unknown desc = Error response from daemon: Get https://ugsampleacr.azurecr.io/v2/mssampleaksapplication/manifests/v1: unauthorized: authentication required',
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors row 4c',
      registryHost: 'ugsampleacr.azurecr.io',
      repository: 'mssampleaksapplication',
      tag: 'v1',
    },
  ],
  [
    'docker daemon 401 with the aka.ms link, no image quoted',
    'Error response from daemon: Get https://mitrust.azurecr.io/v2/devlocalnodejs-mitrust/manifests/devlocalnodejs-20180827: unauthorized: authentication required, visit https://aka.ms/acr/authorization for more information.',
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors row 4c',
      registryHost: 'mitrust.azurecr.io',
      repository: 'devlocalnodejs-mitrust',
      tag: 'devlocalnodejs-20180827',
    },
  ],
  [
    'newer kubelet waiting message carrying the runtime error',
    'Back-off pulling image "myacr.azurecr.io/shop/api:1.4.2": ErrImagePull: failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to resolve reference "myacr.azurecr.io/shop/api:1.4.2": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=myacr.azurecr.io: 401 Unauthorized',
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors rows 4, 4b',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '1.4.2',
    },
  ],
  [
    'tag not found',
    'Failed to pull image "myacr.azurecr.io/shop/api:1.9": rpc error: code = NotFound desc = failed to pull and unpack image "myacr.azurecr.io/shop/api:1.9": failed to resolve reference "myacr.azurecr.io/shop/api:1.9": myacr.azurecr.io/shop/api:1.9: not found',
    {
      class: 'not-found',
      firstCheck: 'image.exists',
      source: 'pull-errors row 5',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '1.9',
    },
  ],
  [
    'docker: manifest unknown',
    'Error response from daemon: manifest for myacr.azurecr.io/web/app:v9 not found: manifest unknown: manifest tagged by "v9" is not found',
    {
      class: 'not-found',
      firstCheck: 'image.exists',
      source: 'pull-errors row 5',
      registryHost: 'myacr.azurecr.io',
      repository: 'web/app',
      tag: 'v9',
    },
  ],
  [
    'DNS: typo in the ACR domain, Azure DNS',
    'Failed to pull image "myacr.azureacr.io/api:1": rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azureacr.io/api:1": failed to resolve reference "myacr.azureacr.io/api:1": failed to do request: Head "https://myacr.azureacr.io/v2/api/manifests/1": dial tcp: lookup myacr.azureacr.io on 168.63.129.16:53: no such host',
    {
      class: 'dns',
      firstCheck: 'target.image-ref',
      source: 'pull-errors row 6',
      registryHost: 'myacr.azureacr.io',
      repository: 'api',
      tag: '1',
      dnsServer: '168.63.129.16',
    },
  ],
  [
    'DNS: custom DNS server, no image quoted',
    'Get "https://myacr.azurecr.io/v2/": dial tcp: lookup myacr.azurecr.io on 10.0.0.4:53: no such host',
    { class: 'dns', firstCheck: 'target.image-ref', source: 'pull-errors row 6', registryHost: 'myacr.azurecr.io', dnsServer: '10.0.0.4' },
  ],
  [
    'DNS: the DNS server itself timed out (not a registry timeout)',
    'failed to do request: Head "https://myacr.azurecr.io/v2/app/manifests/2": dial tcp: lookup myacr.azurecr.io on 10.0.0.10:53: read udp 10.244.0.5:45122->10.0.0.10:53: i/o timeout',
    {
      class: 'dns',
      firstCheck: 'target.image-ref',
      source: 'pull-errors row 6',
      registryHost: 'myacr.azurecr.io',
      repository: 'app',
      tag: '2',
      dnsServer: '10.0.0.10',
    },
  ],
  [
    'DNS: server misbehaving',
    'dial tcp: lookup myacr.azurecr.io on 10.1.0.4:53: server misbehaving',
    { class: 'dns', firstCheck: 'target.image-ref', source: 'pull-errors row 6', registryHost: 'myacr.azurecr.io', dnsServer: '10.1.0.4' },
  ],
  [
    'layer download from the data endpoint cut (EOF)',
    'failed to pull and unpack image "myacr.azurecr.io/shop/api:1.4.2": failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://myacr.westeurope.data.azurecr.io/docker/registry/v2/blobs/sha256/73/732cbede/data?se=2024": EOF',
    {
      class: 'blob-blocked',
      firstCheck: 'network.data-endpoints',
      source: 'pull-errors row 10',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '1.4.2',
    },
  ],
  [
    'layer download from storage times out (blob before timeout)',
    'failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://weuprodreg123.blob.core.windows.net/abc/docker/registry/v2/blobs/sha256/73/data": dial tcp 20.60.1.2:443: i/o timeout',
    { class: 'blob-blocked', firstCheck: 'network.data-endpoints', source: 'pull-errors row 10', ip: '20.60.1.2' },
  ],
  [
    'private endpoint IP unreachable',
    'failed to resolve reference "myacr.azurecr.io/shop/api:v1": failed to do request: Head "https://myacr.azurecr.io/v2/shop/api/manifests/v1": dial tcp 10.20.0.5:443: i/o timeout',
    {
      class: 'timeout',
      firstCheck: 'network.private-endpoint',
      source: 'pull-errors row 7',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: 'v1',
      ip: '10.20.0.5',
    },
  ],
  [
    'pasted check-acr output: token exchange timed out (row 7 before canipull)',
    `[2021-12-29T14:41:37Z] Validating image pull permission: ${red('FAILED')}\n[2021-12-29T14:41:37Z] ACR dcontoso.azurecr.io rejected token exchange: failed to send token exchange request: Post https://dcontoso.azurecr.io/oauth2/exchange: dial tcp 10.201.3.5:443: i/o timeout`,
    { class: 'timeout', firstCheck: 'network.private-endpoint', source: 'pull-errors row 7', registryHost: 'dcontoso.azurecr.io', ip: '10.201.3.5' },
  ],
  [
    'registry timeout with a host name instead of an IP',
    'failed to do request: Head "https://myacr.azurecr.io/v2/shop/api/manifests/v1": dial tcp myacr.azurecr.io:443: i/o timeout',
    {
      class: 'timeout',
      firstCheck: 'network.private-endpoint',
      source: 'pull-errors row 7',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: 'v1',
    },
  ],
  [
    'registry timeout without any address',
    'Get "https://myacr.azurecr.io/v2/": dial tcp: i/o timeout',
    { class: 'timeout', firstCheck: 'network.private-endpoint', source: 'pull-errors row 7' },
  ],
  [
    'a DNS timeout is DNS, not a registry timeout',
    'dial tcp: lookup myacr.azurecr.io: i/o timeout',
    { class: 'dns', firstCheck: 'target.image-ref', source: 'pull-errors row 6', registryHost: 'myacr.azurecr.io' },
  ],
  [
    'storage refuses the layer download',
    'error pulling image configuration: error parsing HTTP 403 response body: <?xml version="1.0" encoding="utf-8"?><Error><Code>AuthorizationFailure</Code><Message>This request is not authorized to perform this operation.</Message></Error>',
    { class: 'blob-denied', firstCheck: 'network.data-endpoints', source: 'storage: AuthorizationFailure' },
  ],
  [
    'TLS inspection: unknown authority',
    'Failed to pull image "myacr.azurecr.io/app:1": failed to do request: Head "https://myacr.azurecr.io/v2/app/manifests/1": tls: failed to verify certificate: x509: certificate signed by unknown authority',
    {
      class: 'cert-untrusted',
      firstCheck: 'network.egress-path',
      source: 'TLS: untrusted certificate',
      registryHost: 'myacr.azurecr.io',
      repository: 'app',
      tag: '1',
    },
  ],
  [
    'a third-party 401 points at pull secrets, not the kubelet identity',
    'Failed to pull image "ghcr.io/org/site:3": failed to resolve reference "ghcr.io/org/site:3": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized',
    {
      class: 'unauthorized-external',
      firstCheck: 'pods.pull-secrets',
      source: 'third-party registry: refused',
      registryHost: 'ghcr.io',
      repository: 'org/site',
      tag: '3',
    },
  ],
  [
    'a chain: the platform link explains, the anonymous-token 401 after it does not',
    '[rpc error: code = NotFound desc = failed to pull and unpack image "myacr.azurecr.io/tools/busybox:2.0": no match for platform in manifest: not found, rpc error: code = Unknown desc = failed to pull and unpack image "myacr.azurecr.io/tools/busybox:2.0": failed to authorize: failed to fetch anonymous token: unexpected status: 401 Unauthorized]',
    {
      class: 'platform',
      firstCheck: 'image.platform',
      source: 'pull-errors row 3',
      registryHost: 'myacr.azurecr.io',
      repository: 'tools/busybox',
      tag: '2.0',
    },
  ],
  [
    'a chain: a 5xx link gives way to the 401 after it',
    '[rpc error: code = Unknown desc = Error response from daemon: Get https://myacr.azurecr.io/v2/app/manifests/1: received unexpected HTTP status: 500 Internal Server Error, rpc error: code = Unknown desc = Error response from daemon: Get https://myacr.azurecr.io/v2/app/manifests/1: unauthorized: authentication required]',
    {
      class: 'unauthorized',
      firstCheck: 'rbac.pull-role',
      source: 'pull-errors row 4c',
      registryHost: 'myacr.azurecr.io',
      repository: 'app',
      tag: '1',
    },
  ],
  [
    'TLS handshake timeout',
    'failed to do request: Head "https://test.azurecr.io/v2/test-api/manifests/v1.1.3": net/http: TLS handshake timeout',
    {
      class: 'tls-timeout',
      firstCheck: 'network.egress-path',
      source: 'pull-errors row 8',
      registryHost: 'test.azurecr.io',
      repository: 'test-api',
      tag: 'v1.1.3',
    },
  ],
  [
    'client timeout awaiting headers',
    'Error response from daemon: Get "https://myacr.azurecr.io/v2/": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
    { class: 'client-timeout', firstCheck: 'network.egress-path', source: 'pull-errors row 9' },
  ],
  [
    'context deadline exceeded',
    'Failed to pull image "myacr.azurecr.io/batch/job:7": rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "myacr.azurecr.io/batch/job:7": context deadline exceeded',
    {
      class: 'client-timeout',
      firstCheck: 'network.egress-path',
      source: 'pull-errors row 9',
      registryHost: 'myacr.azurecr.io',
      repository: 'batch/job',
      tag: '7',
    },
  ],
  [
    'manifest request cut (EOF)',
    'failed to resolve reference "myacr.azurecr.io/shop/api:1.4": failed to do request: Head "https://myacr.azurecr.io/v2/shop/api/manifests/1.4": EOF',
    {
      class: 'eof',
      firstCheck: 'network.egress-path',
      source: 'pull-errors row 11',
      registryHost: 'myacr.azurecr.io',
      repository: 'shop/api',
      tag: '1.4',
    },
  ],
  [
    'connection reset by a middlebox',
    'Get https://mcpsharedreg.azurecr.io/v2/: read tcp 10.232.61.203:43262->52.236.186.80:443: read: connection reset by peer',
    { class: 'eof', firstCheck: 'network.egress-path', source: 'pull-errors row 11' },
  ],
  [
    'privatelink name in the image',
    'failed to resolve reference "myacr.privatelink.azurecr.io/app:1": failed to do request: Head "https://myacr.privatelink.azurecr.io/v2/app/manifests/1": tls: failed to verify certificate: x509: certificate is valid for *.azurecr.io, azurecr.io, not myacr.privatelink.azurecr.io',
    {
      class: 'cert-name',
      firstCheck: 'target.image-ref',
      source: 'pull-errors row 12',
      registryHost: 'myacr.privatelink.azurecr.io',
      repository: 'app',
      tag: '1',
    },
  ],
  [
    'kubelet pull QPS',
    'Failed to pull image "myacr.azurecr.io/web:3": pull QPS exceeded',
    {
      class: 'throttled',
      firstCheck: 'pull.throttling',
      source: 'pull-errors row 13',
      registryHost: 'myacr.azurecr.io',
      repository: 'web',
      tag: '3',
    },
  ],
  [
    'Docker Hub rate limit (not the ACR one)',
    'Failed to pull image "nginx:1.27": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:abc: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.',
    {
      class: 'hub-rate-limit',
      firstCheck: 'pods.pull-secrets',
      source: 'Docker Hub: pull rate limit',
      registryHost: 'docker.io',
      repository: 'library/nginx',
      tag: '1.27',
    },
  ],
  [
    'ACR throttling',
    'Failed to pull image "aksrepos.azurecr.io/mirror/hyperkube-amd64:v1.14.8": rpc error: code = Unknown desc = Error response from daemon: toomanyrequests: Too many requests. Please visit https://aka.ms/acr/skus#sku-feature-matrix to view limits of all service tiers.',
    {
      class: 'too-many-requests',
      firstCheck: undefined,
      source: 'pull-errors row 14',
      registryHost: 'aksrepos.azurecr.io',
      repository: 'mirror/hyperkube-amd64',
      tag: 'v1.14.8',
    },
  ],
  [
    'missing pull secret',
    'Unable to retrieve some image pull secrets (acr-cred); attempting to pull the image may not succeed.',
    { class: 'pull-secret-missing', firstCheck: 'pods.pull-secrets', source: 'pull-errors row 15' },
  ],
  [
    'uppercase repository (InvalidImageName)',
    'Failed to apply default image tag "MyACR.azurecr.io/Shop/API:1": couldn\'t parse image reference "MyACR.azurecr.io/Shop/API:1": invalid reference format: repository name must be lowercase',
    {
      class: 'invalid-name',
      firstCheck: 'target.image-ref',
      source: 'pull-errors row 16',
      registryHost: 'myacr.azurecr.io',
      repository: 'Shop/API',
      tag: '1',
    },
  ],
  [
    'host not reachable',
    'Failed to pull image "myacr.azurecr.io/app:1": rpc error: code = Unknown desc = host is not reachable',
    {
      class: 'host-unreachable',
      firstCheck: 'network.egress-path',
      source: 'pull-errors row 17',
      registryHost: 'myacr.azurecr.io',
      repository: 'app',
      tag: '1',
    },
  ],
  [
    'check-acr: identity missing from the scale set',
    `[2024-05-01T10:00:00Z] Checking managed identity...\n[2024-05-01T10:00:00Z] Kubelet managed identity client ID: 1f3c0000-0000-4000-8000-00000000c001\n[2024-05-01T10:00:01Z] Validating managed identity existance: ${red('FAILED')}\n[2024-05-01T10:00:01Z] Getting managed identity token failed with: Metadata endpoint returned error status: 400. body: {"error":"invalid_request","error_description":"Identity not found"}`,
    { class: 'unauthorized', firstCheck: 'identity.kubelet-on-nodes', source: 'canipull: managed identity' },
  ],
  [
    'check-acr: service principal secret expired',
    `[2024-05-01T10:00:01Z] Validating service principal credential: ${red('FAILED')}\n[2024-05-01T10:00:01Z] Sign in to AAD failed with: AADSTS7000222: The provided client secret keys for app '2b1c' are expired.`,
    { class: 'unauthorized', firstCheck: 'identity.sp-secret', source: 'canipull: service principal' },
  ],
  [
    'check-acr: no pull permission',
    `[2024-05-01T10:00:02Z] Validating image pull permission: ${red('FAILED')}\n[2024-05-01T10:00:02Z] ACR myacr.azurecr.io rejected token exchange: ACR token exchange endpoint returned error status: 401. body: {"errors":[{"code":"UNAUTHORIZED","message":"retrieving permissions failed"}]}`,
    { class: 'unauthorized', firstCheck: 'rbac.pull-role', source: 'canipull: image pull permission', registryHost: 'myacr.azurecr.io' },
  ],
  [
    'check-acr: DNS with the lookup detail (row 6 reads the server)',
    `[2024-05-01T10:00:05Z] Checking host name resolution (myacr.azurecr.io): ${red('FAILED')}\n[2024-05-01T10:00:05Z] Failed to resolve specified fqdn myacr.azurecr.io: lookup myacr.azurecr.io on 168.63.129.16:53: no such host`,
    { class: 'dns', firstCheck: 'target.image-ref', source: 'pull-errors row 6', registryHost: 'myacr.azurecr.io', dnsServer: '168.63.129.16' },
  ],
  [
    'check-acr: CNAME failure only',
    `[2024-05-01T10:00:05Z] Checking CNAME (myacr.azurecr.io): ${red('FAILED')}\n[2024-05-01T10:00:05Z] Failed to get CNAME of the ACR: temporary failure`,
    { class: 'dns', firstCheck: 'network.private-dns', source: 'canipull: DNS', registryHost: 'myacr.azurecr.io' },
  ],
  [
    'attach-acr could not write the role assignment',
    'Could not create a role assignment for ACR. Are you an Owner on this subscription?',
    { class: 'unauthorized', firstCheck: 'rbac.pull-role', source: 'az aks update --attach-acr: role assignment' },
  ],
  [
    'attach-acr did not find the registry by name',
    'ACR myacr not found. Have you provided the right ACR name?',
    { class: 'not-found', firstCheck: 'target.registry', source: 'az aks update --attach-acr: registry' },
  ],
  [
    'attach-acr: no kubelet identity',
    "Unexpected error getting kubelet's identity for the cluster. Please do not set --attach-acr or --detach-acr. You can manually grant or revoke permission to the identity named <ClUSTER_NAME>-agentpool in MC_ resource group to access ACR.",
    { class: 'unauthorized', firstCheck: 'identity.kubelet', source: 'az aks update --attach-acr: kubelet identity' },
  ],
  [
    'a success line is not an error',
    'Successfully pulled image "nginx:1.27" in 2.1s (2.1s including waiting)',
    { class: 'unclassified', firstCheck: undefined, source: undefined, registryHost: 'docker.io', repository: 'library/nginx', tag: '1.27' },
  ],
];

describe('classifyPullError', () => {
  it('has at least 30 real messages', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)('%s', (_name, text, expected) => {
    const { firstCheck, source, ...fields } = expected;
    const result = classifyPullError(text);
    const { checks, meaning, ...read } = result;
    expect(read).toEqual(fields);
    expect(checks[0]).toBe(firstCheck);
    expect(matchPullErrorRule(text)?.source).toBe(source);
    expect(meaning.length).toBeGreaterThan(10);
  });

  it('gives every class a meaning and only known check ids', () => {
    for (const rule of PULL_ERROR_RULES) {
      expect(rule.meaning).not.toBe('');
      for (const check of rule.checks) expect(CHECK_IDS).toContain(check);
    }
  });

  it('keeps the pull-errors rows in their order, data-endpoint row before the timeouts', () => {
    const sources = PULL_ERROR_RULES.map((r) => r.source).filter((s) => s.startsWith('pull-errors'));
    expect(sources).toEqual([
      'pull-errors row 1',
      'pull-errors row 2',
      'pull-errors row 2b',
      'pull-errors row 3',
      'pull-errors rows 4, 4b',
      'pull-errors row 4c',
      'pull-errors row 5',
      'pull-errors row 6',
      'pull-errors row 10',
      'pull-errors row 7',
      'pull-errors row 8',
      'pull-errors row 9',
      'pull-errors row 11',
      'pull-errors row 12',
      'pull-errors row 13',
      'pull-errors row 14',
      'pull-errors row 15',
      'pull-errors row 16',
      'pull-errors row 17',
    ]);
  });

  it('returns a copy of the checks, so a caller cannot change the table', () => {
    classifyPullError('401 Unauthorized').checks.push('image.platform');
    expect(classifyPullError('401 Unauthorized').checks).not.toContain('image.platform');
  });

  it('does not read a bare number as HTTP 429', () => {
    expect(classifyPullError('Back-off pulling image "myacr.azurecr.io/app-429:1"').class).toBe('unclassified');
  });

  it('stays fast on a huge paste', () => {
    const started = Date.now();
    expect(classifyPullError(`${'lookup '.repeat(50_000)}x`).class).toBe('unclassified');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('normalisePullText', () => {
  it('removes ANSI colours and canipull timestamps', () => {
    expect(normalisePullText(`[2021-12-29T14:41:37Z] Validating image pull permission: ${red('FAILED')}\n[2021-12-29T14:41:37.123+01:00] next`)).toBe(
      'Validating image pull permission: FAILED\nnext',
    );
  });
});
