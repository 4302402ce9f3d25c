/**
 * Registry hosts and image references: which ACR (or other registry) a host names, with look-alike domains
 * refused, and the OCI distribution reference grammar split the way containerd splits it.
 */
import { isIPv6 } from 'node:net';
import type { AcrSuffix, ImageRef, RegistryRef } from './refs';
import { ACR_SUFFIX, Part, REGISTRY_RULE, URL_LIKE, describeChar, fail, firstBadChar, precheck, show } from './ref-input';

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
export function classifyHost(raw: string, part: Part): RegistryRef {
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
export function parseImage(s: string, hostPart: Part): ImageRef {
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
export function isHostWithPort(s: string): boolean {
  if (s.includes('/') || s.includes('@')) return false;
  const m = /^(\[[^\]]*\]|[^:]+):(\d+)$/.exec(s);
  if (!m) return false;
  const host = m[1] ?? '';
  return host.includes('.') || host.startsWith('[') || host.toLowerCase() === 'localhost';
}
