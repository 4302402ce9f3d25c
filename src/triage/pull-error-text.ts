/**
 * Reading a pull-error text before it is classified: the clean-up every paste needs (ANSI colours and
 * canipull's timestamps), the split of containerd's error chains into their links, and what can be read
 * out of a message (registry host, repository, tag, IP, DNS server) whatever rule explains it.
 *
 * Every expression here is linear: no nested quantifiers, bounded character classes, and the text is cut to
 * MAX_TEXT before anything runs on it.
 */
import type { PullErrorClassification } from './pull-errors';
import { parseImageRef } from './image-ref';

/** Pasted logs can be long; every rule is linear, but there is no reason to read megabytes. */
export const MAX_TEXT = 65_536;

/** ANSI colour codes (canipull colours SUCCEEDED/FAILED) and canipull's `[<RFC3339>] ` line prefixes. */
export function stripTerminalMarkup(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/^[ \t]*\[\d{4}-\d{2}-\d{2}T[^\]\s]{0,40}\][ \t]?/gm, '');
}

export function normalisePullText(text: string): string {
  return stripTerminalMarkup(text.slice(0, MAX_TEXT));
}

/**
 * containerd reports every resolver it tried, joined: `[rpc error: code = … desc = …, rpc error: code = …]`.
 * The links are returned in order; text without a chain is one link.
 */
export function chainLinks(text: string): string[] {
  const starts: number[] = [];
  const re = /rpc error: code = /g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) starts.push(m.index);
  if (starts.length < 2) return [text];
  const links = starts.map((s, i) => text.slice(s, starts[i + 1] ?? text.length));
  // Kubelet's preamble ("Failed to pull image "x": [") belongs to the first link: it names the image.
  links[0] = text.slice(0, starts[1]);
  return links;
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
    // A redacted reference ("***") names no image at all.
    if (!/^[\w.:/@<>-]{1,512}$/.test(reference) || !/[a-z0-9]/i.test(reference.replace(/<[^>]{0,100}>/g, ''))) return undefined;
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

export type PullTextFacts = Pick<PullErrorClassification, 'registryHost' | 'repository' | 'tag' | 'ip' | 'dnsServer'>;

/** What one (normalised) message says about where it pulled from. */
export function readPullText(text: string): PullTextFacts {
  const quoted = /(?:image|reference) "([^"\s]{1,512})"/i.exec(text)?.[1] ?? /manifest for (\S{1,512}) not found/i.exec(text)?.[1];
  const image = quoted === undefined ? undefined : splitImage(quoted);
  const v2 = /https?:\/\/([^/\s"]{1,253})\/v2\/([^"\s]{1,512}?)\/(manifests|blobs)\/([^"\s,:]{1,200}(?::[a-f0-9]{1,128})?)/i.exec(text);
  const scope = /scope=repository(?:%3A|:)([^&\s"]{1,512}?)(?:%3A|:)(?:pull|push)/i.exec(text);
  const service = /[?&]service=([^&\s"]{1,253})/i.exec(text);
  const lookup = /lookup ([^\s:]{1,253}?)\.?(?: on ([0-9a-f.:[\]]{1,64}?):53)?: /i.exec(text);
  const certName = /x509: certificate is valid for [^\n]{0,500}?, not ([\w.-]{1,253})/i.exec(text);
  const canipull = /(?:\(|ACR |fqdn )([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.azurecr\.(?:io|cn|us|de))\b/i.exec(text);
  const firewall = /client with IP (?:'|\\u0027)([^'\\\s]{1,64})(?:'|\\u0027)/i.exec(text);
  const dialled = /dial tcp (\[[0-9a-f:.]{1,64}\]|[0-9.]{7,15}):\d{1,5}/i.exec(text);
  const reading = /(?:reading manifest \S{1,200} in|Error reading manifest \S{1,200} in) ([a-z0-9.-]{1,253}\.[a-z]{2,63})\/(\S{1,512}?):/i.exec(text);

  const registryHost =
    image?.host ??
    v2?.[1] ??
    (service ? decode(service[1] ?? '').replace(/[:,.;]+$/, '') : undefined) ??
    lookup?.[1] ??
    certName?.[1] ??
    canipull?.[1] ??
    reading?.[1];
  const repository = image?.repository ?? (v2 ? decode(v2[2] ?? '') : undefined) ?? (scope ? decode(scope[1] ?? '') : undefined) ?? reading?.[2];
  const manifestRef = v2 && v2[3]?.toLowerCase() === 'manifests' && !(v2[4] ?? '').includes(':') ? v2[4] : undefined;
  const tag = image ? image.tag : manifestRef;
  const ip = firewall?.[1] ?? dialled?.[1]?.replace(/^\[|\]$/g, '');
  const dnsServer = lookup?.[2];
  const host = registryHost?.toLowerCase();
  return {
    ...(host !== undefined && { registryHost: host === 'registry-1.docker.io' || host === 'index.docker.io' ? 'docker.io' : host }),
    ...(repository !== undefined && { repository }),
    ...(tag !== undefined && { tag }),
    ...(ip !== undefined && { ip }),
    ...(dnsServer !== undefined && { dnsServer }),
  };
}
