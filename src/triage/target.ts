/**
 * Turns what a person wrote (a CLI flag, a chat message) into validated refs. Everything that leaves this
 * module is safe to put into an ARM URL path or a Resource Graph / OData string: names are checked against
 * Azure's naming rules, and anything that could change a path or close a quoted string is refused here,
 * with a message that names the offending character and says what a valid value looks like.
 *
 * Decisions (where Azure's own rules leave room):
 * - Cluster and registry names are ASCII only (Azure's rules allow nothing else), so a Cyrillic "а" or a
 *   full-width "ａ" in them is reported as a look-alike character rather than silently normalised.
 * - Resource group names may hold Unicode letters and digits (Azure allows Char.IsLetterOrDigit), but not
 *   compatibility forms that NFKC would fold (full-width letters), not Latin mixed with Cyrillic or Greek
 *   letters (the confusable scripts), and never "..", "/", "\\", quotes, "%", "?", "#", whitespace or
 *   control characters.
 * - Digest-only, tag-only and bare image references follow the OCI distribution grammar; a reference
 *   without a registry host means docker.io, exactly as containerd reads it.
 */
import { GUID } from '../primitives/guid';
import { isIPv6 } from 'node:net';
import { TargetError, type AcrSuffix, type ClusterRef, type ImageRef, type RegistryRef, type Target } from './refs';

type Part = TargetError['part'];

/** Longer input is refused before any parsing: no legitimate ref or portal URL comes near it. */
export const MAX_REF_LENGTH = 2048;

const LABEL: Record<Part, string> = {
  cluster: 'cluster',
  registry: 'registry',
  image: 'image reference',
  subscription: 'subscription id',
};

const CLUSTER_RULE = 'cluster names are 1–63 ASCII letters, digits, "-" and "_", starting and ending with a letter or digit';
const RG_RULE = 'resource group names are 1–90 letters, digits, "-", "_", ".", "(" and ")", not ending in "."';
const REGISTRY_RULE = 'registry names are 5–50 letters and digits';
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Without "//" a scheme looks like `nginx:1.27`; these schemes are never a ref, whatever follows. */
const NEVER_A_REF = /^(?:javascript|vbscript|data|file|blob|about|mailto):/i;
const PORTAL_HOST = /^(?:[a-z0-9-]+\.)*portal\.azure\.(?:com|us|cn)$/;
const ACR_SUFFIX = /^(.+)\.(azurecr\.(?:io|cn|us|de))$/;

interface ResourceType {
  namespace: string;
  type: string;
  /** For messages: "an AKS cluster". */
  noun: string;
}
const CLUSTER_TYPE: ResourceType = {
  namespace: 'Microsoft.ContainerService',
  type: 'managedClusters',
  noun: 'an AKS cluster',
};
const REGISTRY_TYPE: ResourceType = {
  namespace: 'Microsoft.ContainerRegistry',
  type: 'registries',
  noun: 'a container registry',
};

function fail(part: Part, message: string): never {
  throw new TargetError(message, part);
}

const CHAR_NAMES: Record<number, string> = {
  0x00: 'a NUL character',
  0x09: 'a tab',
  0x0a: 'a line break',
  0x0d: 'a carriage return',
  0x20: 'a space',
  0x22: 'a double quote (")',
  0x25: '"%" (percent-encoding such as %2F would hide a "/")',
  0x27: "a single quote (')",
  0xa0: 'a non-breaking space',
  0x200b: 'a zero-width space',
  0x200c: 'a zero-width non-joiner',
  0x200d: 'a zero-width joiner',
  0x2060: 'a word joiner',
  0xfeff: 'a zero-width no-break space (BOM)',
  0x202e: 'a right-to-left override',
};

function hex(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** How to name one character in a message, so that invisible and look-alike characters are visible. */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const named = CHAR_NAMES[cp];
  if (named) return `${named} (${hex(cp)})`;
  if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(ch)) return `an invisible or control character (${hex(cp)})`;
  if (cp > 0x7e) return `"${ch}" (${hex(cp)}, not ASCII — a look-alike of an ASCII character?)`;
  return `"${ch}"`;
}

/** The value quoted for a message: invisible characters escaped, long values shortened. */
function show(value: string): string {
  const escaped = value.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u2000-\u200a\u3000]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  const short = escaped.length > 80 ? `${escaped.slice(0, 77)}…` : escaped;
  return `"${short}"`;
}

/** Length, emptiness and invisible characters: refused the same way for every part. */
function precheck(input: unknown, part: Part): string {
  const label = LABEL[part];
  if (typeof input !== 'string') fail(part, `${label} must be text`);
  if (input.length > MAX_REF_LENGTH) {
    fail(part, `${label} is ${input.length} characters long; at most ${MAX_REF_LENGTH} are accepted`);
  }
  const s = input.trim();
  if (s === '') fail(part, `${label} is empty: give a ${label}`);
  const bad = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.exec(s);
  if (bad) {
    fail(part, `${label} ${show(s)} contains ${describeChar(bad[0])}, which is never part of an Azure name — retype it`);
  }
  return s;
}

function firstBadChar(value: string, allowed: RegExp): string | undefined {
  for (const ch of value) if (!allowed.test(ch)) return ch;
  return undefined;
}

function validateClusterName(name: string, part: Part): string {
  if (name === '') fail(part, `cluster name is empty: ${CLUSTER_RULE}`);
  if (/\.azurecr\./i.test(name)) {
    fail(part, `cluster name ${show(name)} is a registry login server, not a cluster: give the cluster's name, "resourceGroup/name" or resource id`);
  }
  const bad = firstBadChar(name, /^[A-Za-z0-9_-]$/);
  if (bad !== undefined) fail(part, `cluster name ${show(name)} has ${describeChar(bad)}: ${CLUSTER_RULE}`);
  if (name.length > 63) fail(part, `cluster name ${show(name)} is ${name.length} characters long: ${CLUSTER_RULE}`);
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) {
    fail(part, `cluster name ${show(name)} starts or ends with "${/^[A-Za-z0-9]/.test(name) ? name.slice(-1) : name[0]}": ${CLUSTER_RULE}`);
  }
  return name;
}

function validateResourceGroup(rg: string, part: Part): string {
  if (rg === '') fail(part, `resource group name is empty: ${RG_RULE}`);
  if (rg.includes('..')) fail(part, `resource group name ${show(rg)} contains "..", which could change a URL path: ${RG_RULE}`);
  const bad = firstBadChar(rg, /^[\p{L}\p{Nd}_().-]$/u);
  if (bad !== undefined) fail(part, `resource group name ${show(rg)} has ${describeChar(bad)}: ${RG_RULE}`);
  if ([...rg].length > 90) fail(part, `resource group name ${show(rg)} is ${[...rg].length} characters long: ${RG_RULE}`);
  if (rg.endsWith('.')) fail(part, `resource group name ${show(rg)} ends in ".": ${RG_RULE}`);
  if (rg.normalize('NFKC') !== rg) {
    const odd = [...rg].find((c) => c.normalize('NFKC') !== c) ?? '';
    fail(
      part,
      `resource group name ${show(rg)} has ${describeChar(odd)}, a compatibility form (e.g. full-width) of another character — retype it in plain characters`,
    );
  }
  const latin = /\p{Script=Latin}/u.test(rg);
  if (latin && /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(rg)) {
    const odd = [...rg].find((c) => /[\p{Script=Cyrillic}\p{Script=Greek}]/u.test(c)) ?? '';
    fail(part, `resource group name ${show(rg)} mixes Latin letters with ${describeChar(odd)} — a look-alike character; retype the name`);
  }
  return rg;
}

function validateRegistryName(name: string, part: Part): string {
  const bad = firstBadChar(name, /^[A-Za-z0-9]$/);
  if (bad !== undefined) fail(part, `registry name ${show(name)} has ${describeChar(bad)}: ${REGISTRY_RULE}`);
  if (name.length < 5 || name.length > 50) {
    fail(part, `registry name ${show(name)} is ${name.length} characters long: ${REGISTRY_RULE}`);
  }
  return name.toLowerCase();
}

function guid(value: string, part: Part, what: string): string {
  if (!GUID.test(value)) {
    fail(part, `${what} ${show(value)} is not a GUID: expected 8-4-4-4-12 hexadecimal digits, e.g. 00000000-0000-0000-0000-000000000000`);
  }
  return value.toLowerCase();
}

export function parseSubscriptionId(input: string): string {
  return guid(precheck(input, 'subscription'), 'subscription', 'subscription id');
}

interface ArmId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/**
 * `/subscriptions/{guid}/resourceGroups/{rg}/providers/{namespace}/{type}/{name}` from already split,
 * already decoded segments. `allowRest` admits trailing blade names after a portal resource id.
 */
function armIdFromSegments(segments: string[], part: Part, expected: ResourceType, allowRest: boolean): ArmId {
  const shape = `/subscriptions/<guid>/resourceGroups/<group>/providers/${expected.namespace}/${expected.type}/<name>`;
  const keyword = (i: number, word: string): void => {
    const seg = segments[i];
    if (seg === undefined) fail(part, `${LABEL[part]} resource id ends too early: expected ${shape}`);
    if (seg.toLowerCase() !== word.toLowerCase()) {
      fail(part, `${LABEL[part]} resource id has ${show(seg)} where "${word}" belongs: expected ${shape}`);
    }
  };
  keyword(0, 'subscriptions');
  const subscriptionId = guid(segments[1] ?? '', part, 'subscription id in the resource id');
  keyword(2, 'resourceGroups');
  const resourceGroup = validateResourceGroup(segments[3] ?? '', part);
  if (segments.length <= 4) {
    fail(part, `resource id names resource group ${resourceGroup} but no resource: give the id of ${expected.noun} (${shape})`);
  }
  keyword(4, 'providers');
  const namespace = segments[5] ?? '';
  const type = segments[6] ?? '';
  const name = segments[7];
  if (namespace.toLowerCase() !== expected.namespace.toLowerCase() || type.toLowerCase() !== expected.type.toLowerCase()) {
    const found = /^[A-Za-z0-9.]{1,80}$/.test(namespace) && /^[A-Za-z0-9]{1,80}$/.test(type) ? `${namespace}/${type}` : show(`${namespace}/${type}`);
    fail(part, `resource id points to a ${found} resource, not ${expected.noun} (${expected.namespace}/${expected.type})`);
  }
  if (name === undefined || name === '') fail(part, `${LABEL[part]} resource id ends without a name: expected ${shape}`);
  const rest = segments.slice(8);
  if (rest.length > 0 && !allowRest) {
    fail(part, `${LABEL[part]} resource id has extra segments after the name (${show('/' + rest.join('/'))}): give the resource's own id, ${shape}`);
  }
  const checked = expected === CLUSTER_TYPE ? validateClusterName(name, part) : validateRegistryName(name, part);
  return { subscriptionId, resourceGroup, name: checked };
}

function parseArmId(s: string, part: Part, expected: ResourceType): ArmId {
  if (s.includes('%')) {
    fail(
      part,
      `${LABEL[part]} resource id ${show(s)} contains "%": percent-encoded characters (such as an encoded "/" %2F) are not accepted in a resource id — paste it as the portal's JSON view shows it`,
    );
  }
  if (s.includes('\\')) fail(part, `${LABEL[part]} resource id ${show(s)} has "\\": resource ids use "/" only`);
  const trimmed = s.replace(/^\//, '').replace(/\/$/, '');
  const segments = trimmed.split('/');
  if (segments.some((seg) => seg === '')) fail(part, `${LABEL[part]} resource id ${show(s)} has an empty segment ("//")`);
  return armIdFromSegments(segments, part, expected, false);
}

/** `https://user:pw@host/…`: a way to make a URL look like it goes somewhere it does not. */
function refuseUserInfo(s: string, part: Part): void {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/#?]*@/i.test(s)) {
    fail(part, `${show(s)} carries a user name or password ("…@" before the host): paste the address without it`);
  }
}

function isPortalUrl(s: string): boolean {
  const m = /^https:\/\/([^/#?]+)/i.exec(s);
  return m !== null && PORTAL_HOST.test((m[1] ?? '').toLowerCase().replace(/:443$/, ''));
}

/** The resource id inside a portal address (`#@tenant/resource/subscriptions/…/overview`, or in its path). */
function parsePortalUrl(s: string, part: Part, expected: ResourceType): ArmId {
  if (/%2f|%5c/i.test(s)) {
    fail(
      part,
      `portal URL contains an encoded slash (%2F or %5C), which could change which resource it names — copy the address from the browser again`,
    );
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    fail(part, `${show(s)} is not a valid URL`);
  }
  if (url.port && url.port !== '443') fail(part, `portal URL has port ${url.port}; the Azure portal is on 443`);
  const fragment = url.hash.replace(/^#/, '').split('?')[0] ?? '';
  const source = /\/subscriptions\//i.test(fragment) ? fragment : url.pathname;
  const at = source.search(/\/subscriptions\//i);
  if (at < 0) {
    fail(part, `portal URL does not contain a resource id: open ${expected.noun} in the portal and copy the address of its overview page`);
  }
  const segments = source
    .slice(at + 1)
    .replace(/\/$/, '')
    .split('/');
  const decoded = segments.map((seg) => {
    try {
      return decodeURIComponent(seg);
    } catch {
      return fail(part, `portal URL has a malformed percent-escape in ${show(seg)}`);
    }
  });
  if (decoded.slice(0, 8).some((seg) => seg === '')) fail(part, `portal URL has an empty segment ("//") in its resource id`);
  return armIdFromSegments(decoded, part, expected, true);
}

/** Only https portal URLs are addresses; every other scheme (javascript:, file:, data:…) is refused. */
function refuseScheme(s: string, part: Part, what: string): never {
  const scheme = (SCHEME.exec(s)?.[0] ?? '').toLowerCase();
  fail(part, `${show(scheme)} addresses are not accepted as a ${LABEL[part]}: give ${what}`);
}

export function parseClusterRef(input: string): ClusterRef {
  const s = precheck(input, 'cluster');
  const what = 'the cluster name, "resourceGroup/name", its resource id or its https://portal.azure.com address';
  if (URL_LIKE.test(s) || NEVER_A_REF.test(s)) {
    if (/[^\x21-\x7e]/.test(s)) fail('cluster', `portal URL ${show(s)} has ${describeChar(/[^\x21-\x7e]/.exec(s)?.[0] ?? '')}: URLs are plain ASCII`);
    if (!/^https:\/\//i.test(s)) refuseScheme(s, 'cluster', what);
    refuseUserInfo(s, 'cluster');
    if (!isPortalUrl(s)) {
      fail('cluster', `${show(s)} is not an Azure portal address (portal.azure.com, portal.azure.us, portal.azure.cn): give ${what}`);
    }
    return { kind: 'id', ...parsePortalUrl(s, 'cluster', CLUSTER_TYPE) };
  }
  if (/^\/?subscriptions\//i.test(s)) return { kind: 'id', ...parseArmId(s, 'cluster', CLUSTER_TYPE) };
  if (s.includes('\\')) fail('cluster', `cluster ${show(s)} has "\\": write "resourceGroup/name"`);
  if (s.includes('/')) {
    const parts = s.split('/');
    if (parts.length !== 2) {
      fail(
        'cluster',
        `cluster ${show(s)} has ${parts.length - 1} "/": write "resourceGroup/name", or give the full resource id starting with /subscriptions/`,
      );
    }
    const resourceGroup = validateResourceGroup(parts[0] ?? '', 'cluster');
    return { kind: 'name', name: validateClusterName(parts[1] ?? '', 'cluster'), resourceGroup };
  }
  return { kind: 'name', name: validateClusterName(s, 'cluster') };
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** `azureacr.io`, `azurecr.com`, `acr.io`, `azurecr.io.example.com`: the domain part that only looks like ACR. */
function lookAlikeDomain(labels: string[]): string | undefined {
  for (let i = 1; i < labels.length; i++) {
    const label = labels[i] ?? '';
    const nearAzurecr = label.includes('cr') && levenshtein(label, 'azurecr') <= 2;
    const bareAcr = label === 'acr' && i === labels.length - 2;
    if (nearAzurecr || bareAcr || label.startsWith('azurecr')) return labels.slice(i).join('.');
  }
  return undefined;
}

function validatePort(port: string, host: string, part: Part): void {
  const n = Number(port);
  if (!/^\d{1,5}$/.test(port) || n < 1 || n > 65535)
    fail(part, `registry host ${show(host)} has port ${show(port)}; a port is a number from 1 to 65535`);
}

/** A registry host (lowercased, optional port) → the ACR it names, or an external registry. */
function classifyHost(raw: string, part: Part): RegistryRef {
  const host = raw.toLowerCase();
  if (host.startsWith('[')) {
    const m = /^\[([0-9a-f:.]+)\](?::([^:]*))?$/.exec(host);
    if (!m || !isIPv6(m[1] ?? '')) fail(part, `registry host ${show(raw)} is not a well-formed IPv6 address in brackets, e.g. [fd00::1]:5000`);
    if (m[2] !== undefined) validatePort(m[2], raw, part);
    return { kind: 'external', host };
  }
  const colon = host.indexOf(':');
  const name = colon < 0 ? host : host.slice(0, colon);
  const port = colon < 0 ? undefined : host.slice(colon + 1);
  const bad = firstBadChar(name, /^[a-z0-9.-]$/);
  if (bad !== undefined) fail(part, `registry host ${show(raw)} has ${describeChar(bad)}: host names are ASCII letters, digits, "-" and "."`);
  if (port !== undefined) validatePort(port, raw, part);
  const labels = name.split('.');
  if (name.length > 253 || labels.some((l) => !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(l))) {
    fail(part, `registry host ${show(raw)} is not a valid host name (labels of 1–63 letters, digits and inner "-", separated by ".")`);
  }
  const acr = ACR_SUFFIX.exec(name);
  if (acr) {
    const prefix = (acr[1] ?? '').split('.');
    const suffix = acr[2] as AcrSuffix;
    if (prefix.includes('privatelink')) {
      const fixed = [...prefix.filter((l) => l !== 'privatelink'), suffix].join('.');
      fail(
        part,
        `${show(name)} is the private-link name of the registry: use ${fixed} — with a private endpoint, that name resolves to the private IP through the privatelink.${suffix} zone (the TLS certificate is only valid for *.${suffix})`,
      );
    }
    if (port !== undefined) fail(part, `registry host ${show(raw)} has a port: ACR login servers are reached on 443 only — write ${name}`);
    const first = prefix[0] ?? '';
    if (!/^[a-z0-9]{5,50}(?:-[a-z0-9]{4,20})?$/.test(first)) {
      fail(
        part,
        `${show(first)} is not a registry name in ${show(name)}: ${REGISTRY_RULE} (a "-" appears only before the hash of a domain-name-label-scoped registry, e.g. myacr-a1b2c3d4e5f6.${suffix})`,
      );
    }
    if (prefix.length === 1) return { kind: 'acr-host', host: name, loginServer: name, nameHint: first, suffix };
    if (prefix.length === 3 && (prefix[2] === 'data' || prefix[2] === 'geo') && /^[a-z0-9]+$/.test(prefix[1] ?? '')) {
      return { kind: 'acr-host', host: name, loginServer: `${first}.${suffix}`, nameHint: first, suffix };
    }
    fail(
      part,
      `${show(name)} is not a host ACR uses: expected <registry>.${suffix}, <registry>.<region>.data.${suffix} or <registry>.<region>.geo.${suffix}`,
    );
  }
  const lookAlike = lookAlikeDomain(labels);
  if (lookAlike !== undefined) {
    const tld = labels[labels.length - 1] ?? '';
    const suggested = ['cn', 'us', 'de'].includes(tld) ? `azurecr.${tld}` : 'azurecr.io';
    fail(part, `"${lookAlike}" is not an ACR domain — did you mean ${labels[0]}.${suggested}?`);
  }
  return { kind: 'external', host };
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

function validateDigest(digest: string): string {
  const m = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!m) fail('image', `digest ${show(digest)} is not "algorithm:hex", e.g. sha256:<64 hex digits>`);
  const [, algorithm, value = ''] = m;
  const lengths: Record<string, number> = { sha256: 64, sha512: 128 };
  const want = lengths[algorithm ?? ''];
  if (want !== undefined && !new RegExp(`^[a-f0-9]{${want}}$`).test(value)) {
    fail('image', `digest ${show(digest)} is not ${algorithm}: followed by ${want} lowercase hex digits`);
  }
  if (want === undefined && !/^[a-fA-F0-9]{32,}$/.test(value)) {
    fail('image', `digest ${show(digest)} is not "algorithm:hex" with at least 32 hex digits`);
  }
  return digest;
}

/**
 * The OCI distribution reference grammar, split the way containerd splits it: `[host/]path[:tag][@digest]`,
 * where the first component is a host only if it has "." or ":", is "localhost", or has uppercase letters.
 * Character-level errors anywhere in the reference are the image's; `hostPart` owns errors about the host.
 */
function parseImage(s: string, hostPart: Part): ImageRef {
  const bad = /[^\x21-\x7e]/.exec(s);
  if (bad) fail('image', `image reference ${show(s)} has ${describeChar(bad[0])}: image references are plain ASCII without spaces`);
  let rest = s;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = validateDigest(rest.slice(at + 1));
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      fail('image', `tag ${show(tag)} in ${show(s)} is not a valid tag: up to 128 letters, digits, "_", "." and "-", not starting with "." or "-"`);
    }
  }
  let host = 'docker.io';
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (/[.:[]/.test(first) || first === 'localhost' || first !== first.toLowerCase()) {
      host = first.toLowerCase();
      path = rest.slice(slash + 1);
      classifyHost(host, hostPart);
    }
  }
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  if (path === '') fail('image', `image reference ${show(s)} has no repository: expected host/repository[:tag][@digest]`);
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  for (const component of path.split('/')) {
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) {
      fail(
        'image',
        `repository ${show(path)} in ${show(s)} has uppercase letters: repository names must be lowercase (kubelet reports InvalidImageName)`,
      );
    }
    fail(
      'image',
      `repository ${show(path)} in ${show(s)} has an invalid component ${show(component)}: components are lowercase letters and digits separated by ".", "_", "__" or "-"`,
    );
  }
  if (host.length + 1 + path.length > 255) fail('image', `image name in ${show(s)} is longer than 255 characters`);
  return { raw: s, host, repository: path, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function parseImageRef(input: string): ImageRef {
  const s = precheck(input, 'image');
  if (URL_LIKE.test(s)) {
    fail('image', `image reference ${show(s)} has a URL scheme: write it as containerd does, e.g. myacr.azurecr.io/team/app:1.2`);
  }
  return parseImage(s, 'image');
}

/** `registry.example.com:5000`, `localhost:5000`, `[fd00::1]:5000`: a host with a port, not an image. */
function isHostWithPort(s: string): boolean {
  if (s.includes('/') || s.includes('@')) return false;
  const m = /^(\[[^\]]*\]|[^:]+):(\d+)$/.exec(s);
  if (!m) return false;
  const host = m[1] ?? '';
  return host.includes('.') || host.startsWith('[') || host.toLowerCase() === 'localhost';
}

export function parseRegistryRef(input: string): { registry: RegistryRef; image?: ImageRef } {
  const s = precheck(input, 'registry');
  const what = 'the registry name, its login server (myacr.azurecr.io), its resource id, its portal address or an image reference';
  if (URL_LIKE.test(s)) {
    if (/[^\x21-\x7e]/.test(s)) fail('registry', `address ${show(s)} has ${describeChar(/[^\x21-\x7e]/.exec(s)?.[0] ?? '')}: URLs are plain ASCII`);
    if (!/^https?:\/\//i.test(s)) refuseScheme(s, 'registry', what);
    refuseUserInfo(s, 'registry');
    if (isPortalUrl(s)) {
      return { registry: { kind: 'acr-id', ...parsePortalUrl(s, 'registry', REGISTRY_TYPE) } };
    }
    const hostOnly = /^https?:\/\/([^/?#@]+)\/?$/i.exec(s);
    if (!hostOnly) {
      fail(
        'registry',
        `${show(s)} is a URL with a path: give the login server alone (myacr.azurecr.io) or an image reference without "https://" (myacr.azurecr.io/team/app:1.2)`,
      );
    }
    return { registry: classifyHost(hostOnly[1] ?? '', 'registry') };
  }
  if (NEVER_A_REF.test(s)) {
    refuseScheme(s, 'registry', what);
  }
  if (/^\/?subscriptions\//i.test(s)) return { registry: { kind: 'acr-id', ...parseArmId(s, 'registry', REGISTRY_TYPE) } };
  if (s.includes('\\')) fail('registry', `registry ${show(s)} has "\\": image references and hosts use "/"`);
  if (isHostWithPort(s)) return { registry: classifyHost(s, 'registry') };
  if (/[/@:]/.test(s)) {
    const image = parseImage(s, 'registry');
    return { registry: classifyHost(image.host, 'registry'), image };
  }
  if (s.includes('.')) return { registry: classifyHost(s, 'registry') };
  return { registry: { kind: 'acr-name', name: validateRegistryName(s, 'registry') } };
}

export function parseTarget(input: { cluster: string; registry: string; subscription?: string }): Target {
  const cluster = parseClusterRef(input.cluster);
  const { registry, image } = parseRegistryRef(input.registry);
  const subscriptionId = input.subscription === undefined ? undefined : parseSubscriptionId(input.subscription);
  return {
    cluster,
    registry,
    ...(image !== undefined && { image }),
    ...(subscriptionId !== undefined && { subscriptionId }),
  };
}
