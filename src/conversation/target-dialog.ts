/**
 * Works out the target from what was said so far, asking for one missing or invalid part at a time. Every
 * ref goes through the same parsers as the CLI; a bad ref comes back with the parser's own message.
 */
import { pasteNote, readPaste, registryRefOf, type PastedError } from '../triage/paste';
import { parseClusterRef, parseRegistryRef, parseTarget } from '../triage/target';
import { TargetError, type ClusterRef, type Target, type TargetRefs } from '../triage/refs';
import type { TargetPart } from '../channels/view-model';

/** What is known so far, as the person wrote it (validated), kept in conversation state between turns. */
export interface TargetDraft {
  cluster?: string;
  registry?: string;
  /** The part the last question asked for: a bare answer to it fills that part. */
  asking?: TargetPart;
  /** The errors a pasted message carried (classified, excerpts only), kept until the triage runs. */
  pasted?: PastedError[];
  /** What the paste was understood to say, repeated while a part is still asked for. */
  understood?: string;
}

export type DialogStep =
  | { kind: 'ready'; target: Target; refs: TargetRefs; pasted?: PastedError[] }
  /** `check <cluster>` alone: triage every registry the cluster's pods fail to pull from. */
  | { kind: 'cluster'; cluster: ClusterRef; refs: { cluster: string; registry: '' } }
  | { kind: 'ask'; part: TargetPart; draft: TargetDraft; known?: string; error?: string; understood?: string };

function check(part: TargetPart, value: string): string | undefined {
  try {
    if (part === 'cluster') parseClusterRef(value);
    else parseRegistryRef(value);
    return undefined;
  } catch (error) {
    if (error instanceof TargetError) return error.message;
    throw error;
  }
}

/** From free text (or a `check …` command), merged with what an earlier question already collected. */
export function fromText(text: string, draft: TargetDraft = {}): DialogStep {
  const reading = readPaste(text);
  const found = { cluster: reading.refs.cluster, registry: registryRefOf(reading.refs) };
  const words = text.trim().split(/\s+/, 4).filter(Boolean);
  const args = words[0]?.toLowerCase() === 'check' ? words.slice(1) : words;
  const fresh = reading.errors.length > 0;
  const next: TargetDraft = {
    cluster: draft.cluster,
    registry: draft.registry,
    pasted: fresh ? reading.errors : draft.pasted,
    understood: fresh ? pasteNote(reading) : draft.understood,
  };
  const explicit = words[0]?.toLowerCase() === 'check';
  if (explicit && args.length === 1 && !found.registry && !draft.asking && !fresh) return clusterStep(found.cluster ?? args[0] ?? '');
  // A one-word answer to the question just asked is that part, whatever it looks like; the parser judges it.
  if (draft.asking && args.length === 1 && !found[otherPart(draft.asking)]) next[draft.asking] = args[0];
  else {
    if (found.cluster) next.cluster = found.cluster;
    if (found.registry) next.registry = found.registry;
    if (!found.cluster && !found.registry && args.length === 1 && words[0]?.toLowerCase() === 'check') next.cluster = args[0];
  }
  return step(next);
}

/** The cluster alone; a ref the parser refuses is asked for again with its message. */
export function clusterStep(cluster: string): DialogStep {
  const error = check('cluster', cluster);
  if (error) return { kind: 'ask', part: 'cluster', draft: { asking: 'cluster' }, error };
  return { kind: 'cluster', cluster: parseClusterRef(cluster), refs: { cluster, registry: '' } };
}

/** What "check again" repeats: the last target, or the last cluster alone. */
export function repeat(last: { cluster: string; registry: string }): DialogStep {
  return last.registry === '' ? clusterStep(last.cluster) : fromAnswer('registry', last.registry, { cluster: last.cluster });
}

/** From the ask-for-target form: the answer to the one question asked. */
export function fromAnswer(part: TargetPart, value: string, draft: TargetDraft = {}): DialogStep {
  return step({ cluster: draft.cluster, registry: draft.registry, pasted: draft.pasted, understood: draft.understood, [part]: value.trim() });
}

function otherPart(part: TargetPart): TargetPart {
  return part === 'cluster' ? 'registry' : 'cluster';
}

function step(draft: TargetDraft): DialogStep {
  for (const part of ['cluster', 'registry'] as const) {
    const value = draft[part];
    if (value === undefined || value === '') continue;
    const error = check(part, value);
    if (error) {
      const kept: TargetDraft = { ...draft, [part]: undefined, asking: part };
      return { kind: 'ask', part, draft: kept, known: kept[otherPart(part)], error, ...(draft.understood && { understood: draft.understood }) };
    }
  }
  const understood = draft.understood ? { understood: draft.understood } : {};
  if (!draft.cluster) return { kind: 'ask', part: 'cluster', draft: { ...draft, asking: 'cluster' }, known: draft.registry, ...understood };
  if (!draft.registry) return { kind: 'ask', part: 'registry', draft: { ...draft, asking: 'registry' }, known: draft.cluster, ...understood };
  return {
    kind: 'ready',
    target: parseTarget({ cluster: draft.cluster, registry: draft.registry }),
    refs: { cluster: draft.cluster, registry: draft.registry },
    ...(draft.pasted && draft.pasted.length > 0 && { pasted: draft.pasted }),
  };
}
