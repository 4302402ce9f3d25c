/**
 * The one sentence a findings card leads with — the most likely cause and the one action — and, when the
 * person pasted an error, what it means and which findings confirm or rule out each of its candidate causes.
 * The pasted message narrows; the evidence decides. Pure: findings and a paste in, words out.
 */
import type { PastedError } from './paste';
import type { CheckId, Finding, Status } from './report';

export type CauseVerdict = 'confirms' | 'rules out' | 'possible' | 'could not check' | 'not applicable' | 'not checked';

export interface CandidateCause {
  check: CheckId;
  title: string;
  verdict: CauseVerdict;
  /** The first sentence of the finding's evidence. */
  evidence: string;
}

export interface PastedMeaning {
  /** "The registry refused the node's credentials: …" as a sentence. */
  meaning: string;
  excerpt: string;
  candidates: CandidateCause[];
  /** Further errors the paste carried, by meaning. */
  others: string[];
}

export interface Conclusion {
  sentence: string;
  /** The check the sentence names as the cause, if any. */
  cause?: CheckId;
  pasted?: PastedMeaning;
}

export interface ConcludeOptions {
  pasted?: readonly PastedError[];
  /** Set when a grant is offered: the action becomes "an approver can grant … below". */
  grant?: { role: string; pending: boolean };
}

const VERDICT: Record<Status, CauseVerdict> = {
  fail: 'confirms',
  pass: 'rules out',
  warn: 'possible',
  unknown: 'could not check',
  skip: 'not applicable',
};

const VERDICT_ORDER: readonly CauseVerdict[] = ['confirms', 'possible', 'could not check', 'not checked', 'rules out', 'not applicable'];

/** Checks whose failure repeats a symptom the other checks explain. */
const SYMPTOMS: ReadonlySet<CheckId> = new Set(['pods.pull-errors']);

const MAX_SENTENCE = 220;

/** The first sentence, without its final stop, short enough to lead a card. */
export function firstSentence(text: string, max = MAX_SENTENCE): string {
  const one = (text.split(/(?<=[.!?])\s+(?=[A-Z"(])/)[0] ?? text).trim().replace(/[.!]$/, '');
  return one.length <= max ? one : `${one.slice(0, max - 1).trimEnd()}…`;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function mostLikely(findings: readonly Finding[], candidates: readonly CheckId[]): Finding | undefined {
  const failing = findings.filter((f) => f.status === 'fail');
  for (const check of candidates) {
    const f = failing.find((x) => x.check === check);
    if (f) return f;
  }
  return failing.find((f) => !SYMPTOMS.has(f.check)) ?? failing[0];
}

function actionOf(cause: Finding, options: ConcludeOptions): string {
  if (options.grant && (cause.check === 'rbac.pull-role' || cause.check === 'rbac.misassigned' || cause.check === 'rbac.abac-condition')) {
    return options.grant.pending ? `an approver can grant ${options.grant.role} below` : `see the ${options.grant.role} grant below`;
  }
  return cause.remediation ? firstSentence(cause.remediation, 160) : 'see its fix below';
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

export function conclude(findings: readonly Finding[], options: ConcludeOptions = {}): Conclusion {
  const error = options.pasted?.[0];
  const pasted: PastedMeaning | undefined = error && {
    meaning: `${capitalised(error.meaning)}.`,
    excerpt: error.excerpt,
    candidates: error.checks
      .map((check): CandidateCause => {
        const f = findings.find((x) => x.check === check);
        return f
          ? { check, title: f.title, verdict: VERDICT[f.status], evidence: firstSentence(f.evidence, 200) }
          : { check, title: check, verdict: 'not checked', evidence: 'This check has not run (yet).' };
      })
      // What confirms or leaves a cause open reads first; what rules one out after; stable within each.
      .sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict)),
    others: (options.pasted ?? []).slice(1).map((e) => `${capitalised(e.meaning)}.`),
  };
  const cause = mostLikely(findings, error?.checks ?? []);
  if (cause) {
    return { sentence: `${firstSentence(cause.evidence)} — ${lowerFirst(actionOf(cause, options))}.`, cause: cause.check, ...(pasted && { pasted }) };
  }
  const unknown = findings.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) {
    const first = unknown.find((f) => error?.checks.includes(f.check)) ?? unknown[0];
    const see = first?.needs
      ? `the bot needs ${firstSentence(first.needs, 140)}`
      : first?.remediation
        ? lowerFirst(firstSentence(first.remediation, 140))
        : 'see below';
    return {
      sentence: `Nothing failed, but ${unknown.length} check${unknown.length === 1 ? '' : 's'} could not see — first ${first?.title ?? 'one'}: ${see}.`,
      ...(pasted && { pasted }),
    };
  }
  const warn = findings.find((f) => f.status === 'warn');
  if (warn)
    return {
      sentence: `Nothing failed; the closest lead is a warning: ${firstSentence(warn.evidence)} — ${lowerFirst(actionOf(warn, options))}.`,
      cause: warn.check,
      ...(pasted && { pasted }),
    };
  return {
    sentence: error
      ? 'Every check passed, so the pasted error is not explained by what was read — re-run "check again" after the next failure, or paste the newest event.'
      : 'No problem found in what was checked — if pods still fail to pull, paste their error (kubectl describe pod) here.',
    ...(pasted && { pasted }),
  };
}
