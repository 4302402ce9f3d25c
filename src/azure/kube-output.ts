/**
 * Parser of KUBE_EVIDENCE_COMMAND's output (kube-command.ts) into KubeFacts. Each section stands alone: a
 * section kubectl refused (Forbidden) or that the 512 KiB cap cut off is a failed Read of that piece only,
 * naming the Kubernetes permission that would let the bot see it.
 */
import {
  failed,
  ok,
  type ContainerFact,
  type EventFact,
  type KubeFacts,
  type NodeFact,
  type PodFact,
  type PullSecretFact,
  type Read,
  type ReadFailure,
  type ServiceAccountFact,
} from '../triage/evidence';
import { BEGIN_MARKER, END_MARKER, RUN_COMMAND_OUTPUT_CAP, type KubeSection } from './kube-command';
import { kubePermission } from './kube-permissions';
import { MalformedAnswerError } from './read';

interface SectionText {
  lines: string[];
  /** kubectl's exit code; undefined when the output ended before the section did. */
  exit?: number;
}

/** Parses run command logs. Throws MalformedAnswerError when the pods section is not there at all. */
export function parseKubeOutput(logs: string): KubeFacts {
  const sections = splitSections(logs);
  const pods = sections.get('pods');
  if (!pods) throw new MalformedAnswerError(`run command output is not the evidence command's (starts with "${logs.slice(0, 40)}")`);
  const podsRead = sectionRead(pods, 'pods', logs.length, parsePods);
  if (podsRead.state === 'failed') throw new KubeSectionError(podsRead.failure);
  if (podsRead.state !== 'ok') throw new MalformedAnswerError('run command output has no pods section');
  const piece = <T>(section: KubeSection, parse: (lines: string[]) => T): Read<T> => {
    const text = sections.get(section);
    if (!text)
      return failed({
        kind: 'malformed',
        message: `the ${section} query printed nothing (the output was cut off before it)`,
        needs: kubePermission(section),
      });
    return sectionRead(text, section, logs.length, parse);
  };
  return {
    via: 'run-command',
    podCount: podsRead.value.count,
    pods: podsRead.value.pods,
    events: piece('events', parseEvents),
    nodes: piece('nodes', parseNodes),
    serviceAccounts: piece('serviceaccounts', parseServiceAccounts),
    pullSecrets: piece('secrets', parseSecrets),
  };
}

/** The pods query itself failed (Forbidden, Unauthorized): there is no pod evidence at all. */
export class KubeSectionError extends Error {
  readonly code = 'KubeQueryFailed';
  constructor(readonly failure: ReadFailure) {
    super(failure.message);
    this.name = 'KubeSectionError';
  }
}

function splitSections(logs: string): Map<KubeSection, SectionText> {
  const sections = new Map<KubeSection, SectionText>();
  let current: SectionText | undefined;
  for (const line of logs.split('\n')) {
    const begin = line.startsWith(`${BEGIN_MARKER} `) ? (line.slice(BEGIN_MARKER.length + 1).trim() as KubeSection) : undefined;
    if (begin) {
      current = { lines: [] };
      sections.set(begin, current);
      continue;
    }
    const end = line.startsWith(`${END_MARKER} `) ? /^\S+ (\S+) (\d+)\s*$/.exec(line) : null;
    if (end && current) {
      current.exit = Number(end[2]);
      current = undefined;
      continue;
    }
    current?.lines.push(line);
  }
  return sections;
}

function sectionRead<T>(text: SectionText, section: KubeSection, outputBytes: number, parse: (lines: string[]) => T): Read<T> {
  const needs = kubePermission(section);
  if (text.exit === undefined) {
    const cut = outputBytes >= RUN_COMMAND_OUTPUT_CAP - 1024;
    return failed({
      kind: 'malformed',
      message: cut ? `the ${section} query was cut off: run command returns at most 512 KiB of output` : `the ${section} query did not finish`,
      needs,
    });
  }
  if (text.exit !== 0) {
    const said =
      text.lines
        .find((l) => l.trim() !== '')
        ?.trim()
        .slice(0, 300) ?? `exit code ${text.exit}`;
    const forbidden = /\(Forbidden\)|\(Unauthorized\)|forbidden:/i.test(said);
    return failed({
      kind: forbidden ? 'forbidden' : 'error',
      message: `kubectl could not list ${section}: ${said}`,
      ...(forbidden ? { code: 'Forbidden', needs } : { needs }),
    });
  }
  return ok(parse(text.lines));
}

// ---------------------------------------------------------------------------------------------
// Records

/** A field as kubectl's go-template prints it: `<nil>` / `<no value>` are absent. */
function field(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === '<nil>' || value === '<no value>' ? undefined : value;
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((s) => s !== '');
}

function parsePods(lines: string[]): { count?: number; pods: PodFact[] } {
  let count: number | undefined;
  const pods = new Map<string, PodFact>();
  const podOf = (namespace: string, name: string): PodFact => {
    const key = `${namespace}/${name}`;
    let pod = pods.get(key);
    if (!pod) {
      pod = { namespace, name, imagePullSecrets: [], containers: [] };
      pods.set(key, pod);
    }
    return pod;
  };
  for (const line of lines) {
    const f = line.split('\t');
    if (f[0] === 'T') count = Number(f[1]);
    if (f[0] === 'C' && f.length >= 8) {
      const message = field(unquoteGo(f[7] ?? ''));
      const container: ContainerFact = {
        name: f[4] ?? '',
        image: unquoteGo(f[5] ?? '') ?? '',
        kind: f[1] === 'init' || f[1] === 'ephemeral' ? f[1] : 'container',
        waitingReason: f[6] ?? '',
        ...(message ? { waitingMessage: message } : {}),
      };
      podOf(f[2] ?? 'default', f[3] ?? '').containers.push(container);
    }
    if (f[0] === 'P' && f.length >= 7) {
      const pod = podOf(f[1] ?? 'default', f[2] ?? '');
      const node = field(f[3]);
      const sa = field(f[4]);
      const selector = Object.fromEntries(list(f[6]).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      if (node) pod.nodeName = node;
      if (sa) pod.serviceAccountName = sa;
      pod.imagePullSecrets = list(f[5]);
      if (Object.keys(selector).length > 0) pod.nodeSelector = selector;
    }
  }
  return { ...(count !== undefined && Number.isFinite(count) ? { count } : {}), pods: [...pods.values()] };
}

function parseEvents(lines: string[]): EventFact[] {
  return lines
    .map((l) => l.split('\t'))
    .filter((f) => f[0] === 'E' && f.length >= 8)
    .map((f) => {
      const count = Number(field(f[5]));
      const last = field(f[6]);
      return {
        namespace: field(f[1]) ?? 'default',
        involvedKind: field(f[2]) ?? '',
        involvedName: field(f[3]) ?? '',
        reason: field(f[4]) ?? '',
        message: unquoteGo(f[7] ?? '') ?? '',
        ...(Number.isFinite(count) && field(f[5]) ? { count } : {}),
        ...(last ? { lastTimestamp: last } : {}),
      };
    });
}

function parseNodes(lines: string[]): NodeFact[] {
  return lines
    .map((l) => l.split('\t'))
    .filter((f) => f[0] === 'N' && f.length >= 2)
    .map((f) => {
      const [os, arch, pool] = [field(f[2]), field(f[3]), field(f[4])];
      return { name: f[1] ?? '', ...(os ? { os } : {}), ...(arch ? { arch } : {}), ...(pool ? { agentPool: pool } : {}) };
    });
}

function parseServiceAccounts(lines: string[]): ServiceAccountFact[] {
  return lines
    .map((l) => l.split('\t'))
    .filter((f) => f[0] === 'S' && f.length >= 4)
    .map((f) => ({ namespace: f[1] ?? '', name: f[2] ?? '', imagePullSecrets: list(f[3]) }));
}

function parseSecrets(lines: string[]): PullSecretFact[] {
  const secrets: PullSecretFact[] = [];
  for (const line of lines) {
    const [namespace, name, ...rest] = line.trim().split(/\s+/);
    if (namespace && name && rest.length === 0) secrets.push({ namespace, name });
  }
  return secrets;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** Decodes a Go `%q` string (strconv.Quote); undefined when it is not one. */
export function unquoteGo(quoted: string): string | undefined {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return undefined;
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  const pushText = (text: string) => bytes.push(...Buffer.from(text, 'utf8'));
  for (let i = 0; i < body.length; i++) {
    const ch = String.fromCodePoint(body.codePointAt(i)!);
    if (ch !== '\\') {
      pushText(ch);
      i += ch.length - 1;
      continue;
    }
    const next = body[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      pushText(simple);
      i += 1;
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      bytes.push(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if ((next === 'u' || next === 'U') && /^[0-9a-fA-F]+$/.test(body.slice(i + 2, i + (next === 'u' ? 6 : 10)))) {
      const digits = next === 'u' ? 4 : 8;
      pushText(String.fromCodePoint(parseInt(body.slice(i + 2, i + 2 + digits), 16)));
      i += 1 + digits;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
