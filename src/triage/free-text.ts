/**
 * Free text: which words of a chat message name a cluster and which a registry. Only proposes strings; the
 * caller runs them through the parsers of target.ts, so a wrong guess here becomes a precise question to the
 * person rather than a wrong triage. Pasted logs are read by paste.ts, which hands the prose here.
 */
/** Chat text beyond this is not searched: refs come early in a message, and pasted logs can be huge. */
const MAX_TEXT = 8192;

const CLUSTER_CUES = new Set(['on', 'cluster', 'aks', 'in', 'at']);
const REGISTRY_CUES = new Set(['from', 'registry', 'acr', 'pull', 'pulling', 'reach', 'access']);
const FILLER = new Set(['the', 'our', 'my', 'a', 'an', 'this', 'that', 'their', 'your', 'cluster', 'registry', 'acr', 'aks']);
const NOT_A_NAME = new Set([
  'pods',
  'pod',
  'nodes',
  'node',
  'images',
  'image',
  'cluster',
  'registry',
  'check',
  'again',
  'help',
  'audit',
  'pull',
  'pulls',
  'pulling',
  'cannot',
  "can't",
  'cant',
  'from',
  'with',
  'the',
  'our',
  'error',
  'errors',
  'imagepullbackoff',
  'errimagepull',
  'invalidimagename',
  'prod',
  'production',
  'staging',
  'namespace',
  'anymore',
  'today',
  'now',
  'please',
  'failing',
  'fails',
  'failed',
  'there',
  'here',
  'this',
  'that',
]);

/** A token with the punctuation of prose around it removed; Slack's `<url|label>` becomes the url. */
function cleanToken(raw: string): string {
  let t = raw;
  const slack = /^<([^|>]+)(?:\|[^>]*)?>$/.exec(t);
  if (slack) t = slack[1] ?? '';
  // Quotes, brackets and a sentence-final "." or ":" in any order (`"img:1.2":` in a kubelet event) are
  // prose, but "…:1.2" and "…/" are part of a ref.
  return t.replace(/^[`'"“”‘’([{<*_]+/, '').replace(/[`'"“”‘’)\]}>*,;!?.:]+$/, '');
}

type Kind = 'cluster' | 'registry';
interface Candidate {
  kind: Kind;
  text: string;
  score: number;
}

/** AKS node names (`aks-nodepool1-12345678-vmss000000`, `aksnpwin000000`) name a node, never the cluster. */
const NODE_NAME = /^aks[a-z0-9-]{0,40}(?:vmss[0-9a-z]{6}|\d{6})$/i;

function clusterish(t: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(t) && /[A-Za-z]/.test(t) && !NOT_A_NAME.has(t.toLowerCase()) && !NODE_NAME.test(t);
}
function rgSlashName(t: string): boolean {
  const parts = t.split('/');
  return parts.length === 2 && /^[\w().-]{1,90}$/.test(parts[0] ?? '') && !/\./.test(parts[0] ?? '') && clusterish(parts[1] ?? '');
}
function registryName(t: string): boolean {
  return /^[A-Za-z0-9]{5,50}$/.test(t) && /[A-Za-z]/.test(t) && !NOT_A_NAME.has(t.toLowerCase());
}
function imageish(t: string): boolean {
  return (
    (/^[a-z0-9][\w.-]*(?::\d+)?\/[\w./-]+(?::[\w][\w.-]*)?(?:@[a-z0-9]+:[a-f0-9]+)?$/i.test(t) && /^[^/]*[.:]/.test(t)) ||
    (/^[a-z0-9][\w.-]*:[\w][\w.-]*$/.test(t) && /[a-z]/.test(t.split(':')[0] ?? '') && /\d/.test(t.split(':')[1] ?? ''))
  );
}

/** What one token most plausibly is on its own (no context), with how sure that is. */
function judgeAlone(t: string): Candidate[] {
  const lower = t.toLowerCase();
  if (/^(?:https:\/\/[^\s]*portal\.azure\.|\/?subscriptions\/)/i.test(t)) {
    if (/\/managedclusters\//i.test(t)) return [{ kind: 'cluster', text: t, score: 100 }];
    if (/\/registries\//i.test(t)) return [{ kind: 'registry', text: t, score: 100 }];
    return [];
  }
  if (/\.azurecr\.(?:io|cn|us|de)\b/.test(lower)) return [{ kind: 'registry', text: t, score: 90 }];
  if (imageish(t)) return [{ kind: 'registry', text: t, score: 70 }];
  if (rgSlashName(t)) return [{ kind: 'cluster', text: t, score: 80 }];
  const out: Candidate[] = [];
  if (clusterish(t) && /(?:^|[-_])aks|aks(?:$|[-_])/i.test(t)) out.push({ kind: 'cluster', text: t, score: 40 });
  if (registryName(t) && /acr|registry|cr$/i.test(t)) out.push({ kind: 'registry', text: t, score: 40 });
  return out;
}

export function findRefsInText(text: string): { cluster?: string; registry?: string } {
  const tokens = text
    .slice(0, MAX_TEXT)
    .split(/\s+/)
    .map(cleanToken)
    .filter((t) => t !== '');
  const candidates: Candidate[] = [];
  tokens.forEach((t, i) => {
    candidates.push(...judgeAlone(t));
    // The nearest cue word before the token (skipping "the", "our", …) says what it names.
    let j = i - 1;
    while (
      j >= 0 &&
      FILLER.has((tokens[j] ?? '').toLowerCase()) &&
      !CLUSTER_CUES.has((tokens[j] ?? '').toLowerCase()) &&
      !REGISTRY_CUES.has((tokens[j] ?? '').toLowerCase())
    )
      j--;
    const cue = (tokens[j] ?? '').toLowerCase();
    const directCue = (tokens[i - 1] ?? '').toLowerCase();
    const named =
      directCue === 'cluster' || directCue === 'aks' ? 'cluster' : directCue === 'registry' || directCue === 'acr' ? 'registry' : undefined;
    if ((named === 'cluster' || CLUSTER_CUES.has(cue)) && named !== 'registry' && (clusterish(t) || rgSlashName(t))) {
      candidates.push({ kind: 'cluster', text: t, score: named === 'cluster' ? 60 : 50 });
    }
    if ((named === 'registry' || REGISTRY_CUES.has(cue)) && named !== 'cluster' && (registryName(t) || /\./.test(t))) {
      candidates.push({ kind: 'registry', text: t, score: named === 'registry' ? 60 : 50 });
    }
  });
  // `check <cluster> <registry>`: the chat command, positional.
  if ((tokens[0] ?? '').toLowerCase() === 'check' && tokens.length === 3) {
    candidates.push({ kind: 'cluster', text: tokens[1] ?? '', score: 95 }, { kind: 'registry', text: tokens[2] ?? '', score: 95 });
  }
  const best = (kind: Kind, exclude?: string): string | undefined =>
    candidates
      .filter((c) => c.kind === kind && c.text !== exclude)
      .reduce<Candidate | undefined>((a, c) => (a === undefined || c.score > a.score ? c : a), undefined)?.text;
  const cluster = best('cluster');
  const registry = best('registry', cluster);
  return { ...(cluster !== undefined && { cluster }), ...(registry !== undefined && { registry }) };
}
