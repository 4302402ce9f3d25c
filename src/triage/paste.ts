/**
 * What people paste when a pull fails — kubelet / containerd event messages, `kubectl describe pod`,
 * `kubectl get events`, `az aks check-acr` (canipull) output, portal URLs, ARM ids and prose around them —
 * read into the refs a triage needs and the errors the text carries, each classified.
 *
 * Only proposes strings, like free-text.ts: the parsers of target.ts judge them. Pastes are hostile and can
 * be large: the text is cut to MAX_PASTE before anything runs, lines to MAX_LINE, every expression is linear,
 * and what comes back quotes at most an excerpt of each error (never the paste).
 */
import { acrSuffixOf } from './acr-hosts';
import { imageHostOf, shortenPullMessage } from './failing-pods';
import { findRefsInText } from './free-text';
import type { CheckId } from './report';
import { classifyPullError, matchPullErrorRule, PULL_ERROR_RULES } from './pull-error-rules';
import { stripTerminalMarkup } from './pull-error-text';
import type { PullErrorClass } from './pull-errors';

/** More than any describe/events paste; a 1 MB log is read only this far. */
export const MAX_PASTE = 200_000;
/** One kubelet message with a full chain is ~2 KB; longer lines are cut before any rule runs. */
const MAX_LINE = 8_192;
/** Prose beyond this is not searched for names (free-text.ts has the same idea). */
const MAX_PROSE = 8_192;
const MAX_ERRORS = 5;
export const EXCERPT_LENGTH = 240;

export interface PasteRefs {
  /** As written: a name, `rg/name`, an ARM id or a portal URL. */
  cluster?: string;
  /** The registry host or name (`myacr.azurecr.io`, `myacr`, `ghcr.io`). */
  registry?: string;
  /** The image that failed to pull, as kubelet names it. */
  image?: string;
  namespace?: string;
  pod?: string;
}

export interface PastedError {
  class: PullErrorClass;
  meaning: string;
  /** The checks that confirm or rule out this error's causes, most likely first. */
  checks: CheckId[];
  /** At most EXCERPT_LENGTH characters of the message, for people to recognise it. */
  excerpt: string;
}

export interface PasteReading {
  refs: PasteRefs;
  /** Distinct errors, the one that explains the pull first. */
  errors: PastedError[];
}

const ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ', '#39': "'", '#34': '"' };

/**
 * Channel markup off, terminal markup off: Teams sends HTML (`<p>`, `&quot;`), Slack escapes `&<>`, canipull
 * colours and timestamps its lines.
 */
export function cleanPaste(text: string): string {
  const html = text
    .slice(0, MAX_PASTE)
    .replace(/<\/?(?:p|div|pre|code|br|span|b|i|strong|em)\b[^<>]{0,200}>/gi, (tag) => (/^<\/?(?:p|div|pre|br)\b/i.test(tag) ? '\n' : ''))
    .replace(/&(quot|amp|lt|gt|apos|nbsp|#39|#34);/g, (_m, name: string) => ENTITIES[name] ?? '');
  return stripTerminalMarkup(html);
}

/** Lines that carry an error worth classifying (a cheap filter before the rule table runs). */
const ERRORISH =
  /fail|error|denied|unauthori[sz]ed|forbidden|timeout|timed out|refused|not found|unable|invalid|x509|toomanyrequests|too many requests|\b429\b|\bEOF\b|reset by peer|exceeded|unreachable|not reachable|no such host|misbehaving|no match/i;
/** Lines that are tool output rather than a person's words: never searched for names. */
const STRUCTURED =
  /^\s*(?:[$#>]\s*)?(?:az|kubectl)\s|^\s*(?:[A-Z][A-Za-z ]{0,30}:\s|Type\s+Reason|-{4}|LAST SEEN|NAMESPACE\s|Normal\s|Warning\s|\d+[smhd]\s|<unknown>\s)|(?<![\w-])kubelet(?![\w-])|rpc error|pod\/|Failed to pull|Back-off|Pulling image|Pulled|Checking |Validating |Canonical name|Your cluster can pull|\bat .{1,200}:\d+:\d+/;

interface Found {
  image?: string;
  failedImage?: string;
  namespace?: string;
  pod?: string;
  cluster?: string;
  registry?: string;
}

function firstGroup(re: RegExp, line: string): string | undefined {
  return re.exec(line)?.[1];
}

/** `az aks check-acr -g rg -n aks --acr x.azurecr.io` (or `update --attach-acr`): both refs at once. */
function readAzCommand(line: string, found: Found): void {
  if (!/\baz\s+aks\s/.test(line)) return;
  const name = firstGroup(/\s(?:-n|--name)[\s=]+([^\s"']{1,90})/, line);
  const group = firstGroup(/\s(?:-g|--resource-group)[\s=]+([^\s"']{1,90})/, line);
  const acr = firstGroup(/\s--(?:acr|attach-acr)[\s=]+([^\s"']{1,300})/, line);
  if (name) found.cluster ??= group ? `${group}/${name}` : name;
  if (acr) found.registry ??= acr;
}

function readLine(line: string, found: Found): void {
  const failed = firstGroup(/(?:Failed to pull image|Back-off pulling image) "([^"\s]{1,512})"/i, line);
  if (failed) found.failedImage ??= failed;
  const image = firstGroup(/^\s{0,12}Image:\s+(\S{1,512})\s*$/, line) ?? firstGroup(/(?:[Pp]ulling image|image|reference) "([^"\s]{1,512})"/, line);
  if (image) found.image ??= image;
  const assigned = /Successfully assigned ([a-z0-9-]{1,63})\/([a-z0-9.-]{1,253}) to /.exec(line);
  if (assigned) {
    found.namespace ??= assigned[1];
    found.pod ??= assigned[2];
  }
  const ns = firstGroup(/^Namespace:\s+([a-z0-9-]{1,63})\s*$/, line);
  if (ns) found.namespace ??= ns;
  const name = firstGroup(/^Name:\s+([a-z0-9.-]{1,253})\s*$/, line);
  if (name) found.pod ??= name;
  // `kubectl get events -A`: NAMESPACE LAST-SEEN TYPE REASON OBJECT MESSAGE; without -A the first column is the age.
  const event = /^(?:([a-z0-9-]{1,63})\s+)?\S{1,20}\s+(?:Warning|Normal)\s+\S{1,40}\s+pod\/([a-z0-9.-]{1,253})\s/.exec(line);
  if (event) {
    if (event[1] && !/^\d/.test(event[1])) found.namespace ??= event[1];
    found.pod ??= event[2];
  }
  const kubectlNs = firstGroup(/\bkubectl\b.{0,300}?\s(?:-n|--namespace)[\s=]+([a-z0-9-]{1,63})\b/, line);
  if (kubectlNs) found.namespace ??= kubectlNs;
  const canipull =
    /(?:Checking host name resolution|Checking CNAME|Canonical name for ACR) \(([a-z0-9.-]{1,253})\)|Your cluster can pull images from ([a-z0-9.-]{1,253})/.exec(
      line,
    );
  if (canipull) found.registry ??= (canipull[1] ?? canipull[2])?.replace(/[.!]+$/, '');
  readAzCommand(line, found);
  // The node resource group (`MC_<rg>_<cluster>_<region>`) names the cluster when neither part has a "_".
  const mc = /\bMC_([A-Za-z0-9().-]{1,80})_([A-Za-z0-9-]{1,63})_([a-z0-9]{2,30})\b/.exec(line);
  if (mc) found.cluster ??= `${mc[1]}/${mc[2]}`;
}

function errorsOf(lines: readonly string[], whole: string): PastedError[] {
  const byClass = new Map<PullErrorClass, { rank: number; error: PastedError }>();
  const consider = (text: string): void => {
    const rule = matchPullErrorRule(text);
    if (!rule) return;
    const rank = PULL_ERROR_RULES.indexOf(rule);
    const known = byClass.get(rule.class);
    if (known && known.rank <= rank) return;
    const c = classifyPullError(text);
    byClass.set(rule.class, {
      rank,
      error: { class: c.class, meaning: c.meaning, checks: c.checks, excerpt: shortenPullMessage(text, EXCERPT_LENGTH) },
    });
  };
  for (const line of lines) if (ERRORISH.test(line)) consider(line);
  // A message wrapped over several lines (a narrow terminal) classifies only as a whole.
  if (byClass.size === 0 && ERRORISH.test(whole)) consider(whole);
  return [...byClass.values()]
    .sort((a, b) => a.rank - b.rank)
    .slice(0, MAX_ERRORS)
    .map((e) => e.error);
}

export function readPaste(text: string): PasteReading {
  const clean = cleanPaste(text);
  const lines = clean.split(/\r?\n/).map((l) => (l.length > MAX_LINE ? l.slice(0, MAX_LINE) : l));
  const found: Found = {};
  const prose: string[] = [];
  let proseLength = 0;
  for (const line of lines) {
    readLine(line, found);
    // "aks-prod: Failed to pull image …": the words before a kubelet message are a person's.
    const said = line.split(/Failed to pull image|Back-off pulling image|rpc error:/, 1)[0] ?? '';
    if (proseLength < MAX_PROSE && said.trim() !== '' && !STRUCTURED.test(said)) {
      // Quoted strings in prose are images or messages, read above; the rest may name the cluster.
      const words = said.replace(/"[^"]{0,600}"/g, ' ');
      prose.push(words);
      proseLength += words.length;
    }
  }
  const named = findRefsInText(prose.join('\n'));
  const errors = errorsOf(lines, clean.slice(0, 16_384));
  const image = found.failedImage ?? found.image;
  const saidImage = named.registry !== undefined && named.registry.includes('/') ? named.registry : undefined;
  const theImage = image ?? saidImage;
  const registry =
    (theImage ? imageHostOf(theImage) : undefined) ??
    found.registry ??
    named.registry ??
    errors.map((e) => classifyHost(e)).find((h) => h !== undefined);
  const cluster = named.cluster ?? found.cluster;
  return {
    refs: {
      ...(cluster !== undefined && { cluster }),
      ...(registry !== undefined && { registry }),
      ...(theImage !== undefined && { image: theImage }),
      ...(found.namespace !== undefined && { namespace: found.namespace }),
      ...(found.pod !== undefined && { pod: found.pod }),
    },
    errors,
  };
}

/** The ACR host an error excerpt names (`lookup myacr.azurecr.io`, the token URL), when nothing else did. */
function classifyHost(error: PastedError): string | undefined {
  const host = classifyPullError(error.excerpt).registryHost;
  return host !== undefined && acrSuffixOf(host) !== undefined ? host : undefined;
}

/** What the target dialog asks with: the image when one failed (so the image checks run), else the registry. */
export function registryRefOf(refs: PasteRefs): string | undefined {
  return refs.image ?? refs.registry;
}

/** One line for the person: what was read from their paste ("acrdemo.azurecr.io/shop/api:1.4.2 in shop/api-7d9c: the registry refused…"). */
export function pasteNote(reading: PasteReading): string | undefined {
  const error = reading.errors[0];
  if (!error) return undefined;
  const { image, registry, namespace, pod } = reading.refs;
  const where = [image ?? registry, pod ? `pod ${namespace ? `${namespace}/` : ''}${pod}` : undefined].filter(Boolean).join(', ');
  const meaning = error.meaning.charAt(0).toUpperCase() + error.meaning.slice(1);
  return `From your paste${where ? ` (${where})` : ''}: ${meaning}.`;
}
