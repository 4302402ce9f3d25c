/**
 * The shared ground of the target grammar (target.ts, image-ref.ts): limits, how a refused value is named in
 * a message (invisible and look-alike characters made visible), Azure's naming rules for clusters, resource
 * groups and registries, and resource ids and portal addresses. See target.ts for the decisions.
 */
import { GUID } from '../primitives/guid';
import { TargetError } from './refs';

export type Part = TargetError['part'];

/** Longer input is refused before any parsing: no legitimate ref or portal URL comes near it. */
const MAX_REF_LENGTH = 2048;

const LABEL: Record<Part, string> = {
  cluster: 'cluster',
  registry: 'registry',
  image: 'image reference',
  subscription: 'subscription id',
};

const CLUSTER_RULE = 'cluster names are 1–63 ASCII letters, digits, "-" and "_", starting and ending with a letter or digit';
const RG_RULE = 'resource group names are 1–90 letters, digits, "-", "_", ".", "(" and ")", not ending in "."';
export const REGISTRY_RULE = 'registry names are 5–50 letters and digits';
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
export const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Without "//" a scheme looks like `nginx:1.27`; these schemes are never a ref, whatever follows. */
export const NEVER_A_REF = /^(?:javascript|vbscript|data|file|blob|about|mailto):/i;
const PORTAL_HOST = /^(?:[a-z0-9-]+\.)*portal\.azure\.(?:com|us|cn)$/;
export const ACR_SUFFIX = /^(.+)\.(azurecr\.(?:io|cn|us|de))$/;

interface ResourceType {
  namespace: string;
  type: string;
  /** For messages: "an AKS cluster". */
  noun: string;
}
export const CLUSTER_TYPE: ResourceType = {
  namespace: 'Microsoft.ContainerService',
  type: 'managedClusters',
  noun: 'an AKS cluster',
};
export const REGISTRY_TYPE: ResourceType = {
  namespace: 'Microsoft.ContainerRegistry',
  type: 'registries',
  noun: 'a container registry',
};

export function fail(part: Part, message: string): never {
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
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const named = CHAR_NAMES[cp];
  if (named) return `${named} (${hex(cp)})`;
  if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(ch)) return `an invisible or control character (${hex(cp)})`;
  if (cp > 0x7e) return `"${ch}" (${hex(cp)}, not ASCII — a look-alike of an ASCII character?)`;
  return `"${ch}"`;
}

/** The value quoted for a message: invisible characters escaped, long values shortened. */
export function show(value: string): string {
  const escaped = value.replace(
    /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u00a0\u2000-\u200a\u3000]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  const short = escaped.length > 80 ? `${escaped.slice(0, 77)}…` : escaped;
  return `"${short}"`;
}

/** Length, emptiness and invisible characters: refused the same way for every part. */
export function precheck(input: unknown, part: Part): string {
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

export function firstBadChar(value: string, allowed: RegExp): string | undefined {
  for (const ch of value) if (!allowed.test(ch)) return ch;
  return undefined;
}

export function validateClusterName(name: string, part: Part): string {
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

export function validateResourceGroup(rg: string, part: Part): string {
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

export function validateRegistryName(name: string, part: Part): string {
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

export function parseArmId(s: string, part: Part, expected: ResourceType): ArmId {
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
export function refuseUserInfo(s: string, part: Part): void {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/#?]*@/i.test(s)) {
    fail(part, `${show(s)} carries a user name or password ("…@" before the host): paste the address without it`);
  }
}

export function isPortalUrl(s: string): boolean {
  const m = /^https:\/\/([^/#?]+)/i.exec(s);
  return m !== null && PORTAL_HOST.test((m[1] ?? '').toLowerCase().replace(/:443$/, ''));
}

/** The resource id inside a portal address (`#@tenant/resource/subscriptions/…/overview`, or in its path). */
export function parsePortalUrl(s: string, part: Part, expected: ResourceType): ArmId {
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
export function refuseScheme(s: string, part: Part, what: string): never {
  const scheme = (SCHEME.exec(s)?.[0] ?? '').toLowerCase();
  fail(part, `${show(scheme)} addresses are not accepted as a ${LABEL[part]}: give ${what}`);
}
