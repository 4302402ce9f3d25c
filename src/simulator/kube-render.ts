/**
 * What kubectl prints for each query of the evidence command (src/azure/kube-command.ts) over a scenario's
 * Kubernetes objects: the same records its go-templates produce (checked against kubectl 1.32 on a stub API
 * server), `Error from server (Forbidden)` with exit 1 for a resource the caller may not list, and the whole
 * log cut at run command's 512 KiB.
 */
import { BEGIN_MARKER, END_MARKER, KUBE_QUERIES, PULL_EVENT_REASONS, RUN_COMMAND_OUTPUT_CAP, type KubeSection } from '../azure/kube-command';
import { PULL_WAITING_REASONS } from '../triage/failing-pods';
import type { KubeState } from './scenario';
import { isRecord } from './wire';

type Obj = Record<string, unknown>;

const rec = (v: unknown): Obj => (isRecord(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** Go's `print` of a missing map key or JSON null is `<nil>`; of a value, its text. */
const gp = (v: unknown): string => (v === undefined || v === null ? '<nil>' : String(v));
/** A bare `{{.x}}` of a missing key prints `<no value>`. */
const gv = (v: unknown): string => (v === undefined || v === null ? '<no value>' : String(v));

/** Go's strconv.Quote (the `%q` verb) for the texts kubelet writes. */
export function quoteGo(text: string): string {
  const simple: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '\\': '\\\\',
    '"': '\\"',
  };
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (simple[ch]) out += simple[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

function podLines(pods: readonly unknown[]): string {
  let out = `T\t${pods.length}\n`;
  for (const raw of pods) {
    const p = rec(raw);
    const meta = rec(p.metadata);
    const spec = rec(p.spec);
    const status = rec(p.status);
    let failing = false;
    for (const [key, kind] of [
      ['initContainerStatuses', 'init'],
      ['containerStatuses', 'container'],
      ['ephemeralContainerStatuses', 'ephemeral'],
    ] as const) {
      for (const c of arr(status[key]).map(rec)) {
        const waiting = rec(rec(c.state).waiting);
        if (!isRecord(rec(c.state).waiting) || !PULL_WAITING_REASONS.has(gp(waiting.reason))) continue;
        failing = true;
        out += `C\t${kind}\t${gv(meta.namespace)}\t${gv(meta.name)}\t${gv(c.name)}\t${quoteGo(gp(c.image))}\t${gv(waiting.reason)}\t${quoteGo(gp(waiting.message))}\n`;
      }
    }
    if (!failing) continue;
    const secrets = arr(spec.imagePullSecrets)
      .map((s) => `${gv(rec(s).name)},`)
      .join('');
    const selector = Object.keys(rec(spec.nodeSelector))
      .sort()
      .map((k) => `${k}=${gv(rec(spec.nodeSelector)[k])},`)
      .join('');
    out += `P\t${gv(meta.namespace)}\t${gv(meta.name)}\t${gp(spec.nodeName)}\t${gp(spec.serviceAccountName)}\t${secrets}\t${selector}\n`;
  }
  return out;
}

function eventLines(events: readonly unknown[]): string {
  return events
    .map(rec)
    .filter(
      (e) =>
        rec(e.involvedObject).kind === 'Pod' &&
        (e.type ?? 'Warning') === 'Warning' &&
        (PULL_EVENT_REASONS as readonly string[]).includes(gp(e.reason)),
    )
    .map((e) => {
      const meta = rec(e.metadata);
      const involved = rec(e.involvedObject);
      return `E\t${gv(meta.namespace)}\t${gv(involved.kind)}\t${gv(involved.name)}\t${gv(e.reason)}\t${gp(e.count)}\t${gp(e.lastTimestamp)}\t${quoteGo(gp(e.message))}\n`;
    })
    .join('');
}

function nodeLines(nodes: readonly unknown[]): string {
  return nodes
    .map(rec)
    .map((n) => {
      const info = rec(rec(n.status).nodeInfo);
      const labels = rec(n.metadata).labels;
      const pool = isRecord(labels) ? gp(labels['kubernetes.azure.com/agentpool']) : '';
      return `N\t${gv(rec(n.metadata).name)}\t${gp(info.operatingSystem)}\t${gp(info.architecture)}\t${pool}\n`;
    })
    .join('');
}

function serviceAccountLines(accounts: readonly unknown[]): string {
  return accounts
    .map(rec)
    .filter((a) => arr(a.imagePullSecrets).length > 0)
    .map(
      (a) =>
        `S\t${gv(rec(a.metadata).namespace)}\t${gv(rec(a.metadata).name)}\t${arr(a.imagePullSecrets)
          .map((s) => `${gv(rec(s).name)},`)
          .join('')}\n`,
    )
    .join('');
}

function secretLines(secrets: readonly { namespace: string; name: string }[]): string {
  const width = Math.max(2, ...secrets.map((s) => s.namespace.length)) + 3;
  return secrets.map((s) => `${s.namespace.padEnd(width)}${s.name}\n`).join('');
}

function sectionOutput(section: KubeSection, state: KubeState | undefined, user: string): { text: string; exit: number } {
  if (state?.forbidden?.includes(section)) {
    const scope = 'at the cluster scope';
    return {
      text: `Error from server (Forbidden): ${section} is forbidden: User "${user}" cannot list resource "${section}" in API group "" ${scope}\n`,
      exit: 1,
    };
  }
  switch (section) {
    case 'pods':
      return { text: podLines(state?.pods ?? []), exit: 0 };
    case 'events':
      return { text: eventLines(state?.events ?? []), exit: 0 };
    case 'nodes':
      return { text: nodeLines(state?.nodes ?? []), exit: 0 };
    case 'serviceaccounts':
      return { text: serviceAccountLines(state?.serviceAccounts ?? []), exit: 0 };
    case 'secrets':
      return { text: secretLines(state?.pullSecrets ?? []), exit: 0 };
  }
}

/** The run-command logs of KUBE_EVIDENCE_COMMAND for a cluster, as the caller `user` may see it, cut at 512 KiB. */
export function renderKubeEvidence(state: KubeState | undefined, user: string): string {
  const full = KUBE_QUERIES.map((q) => {
    const { text, exit } = sectionOutput(q.section, state, user);
    return `${BEGIN_MARKER} ${q.section}\n${text}${END_MARKER} ${q.section} ${exit}\n`;
  }).join('');
  const bytes = Buffer.from(full, 'utf8');
  return bytes.length <= RUN_COMMAND_OUTPUT_CAP ? full : bytes.subarray(0, RUN_COMMAND_OUTPUT_CAP).toString('utf8');
}
