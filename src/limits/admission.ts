/**
 * Whether a person may start another triage: not too many in the last minute. (The queue's cap is the work
 * scheduler's, src/scheduling: one admission mechanism for the queue, this one for a person's share.) A refusal is an answer the person reads ("busy, try again"), never a silent drop. Each
 * triage costs Azure requests (and, with pod evidence, a run-command pod in a cluster), so one person or a
 * script in a loop must not be able to queue hundreds of them.
 */
import { parsePositiveInt, type Env } from '../config';
import { LruMap } from './lru';

export interface AdmissionSettings {
  /** Triages one person may start per minute (TRIAGE_RATE_LIMIT). */
  perPersonPerMinute: number;
  /** Triages waiting to start beyond which new ones are refused (TRIAGE_QUEUE_LIMIT; the scheduler's maxWaiting). */
  queueLimit: number;
}

export const DEFAULT_RATE_PER_MINUTE = 6;
/** The work scheduler's own default: the queue is bounded by what the scheduler drains, not by a number here. */
export const DEFAULT_QUEUE_LIMIT = 1000;
const WINDOW_MS = 60_000;
/** People remembered at once; beyond it the least recently seen are forgotten (their window is short anyway). */
const MAX_PEOPLE = 10_000;

export function admissionSettings(env: Env): AdmissionSettings {
  return {
    perPersonPerMinute: parsePositiveInt(env, 'TRIAGE_RATE_LIMIT', DEFAULT_RATE_PER_MINUTE, 10_000),
    queueLimit: parsePositiveInt(env, 'TRIAGE_QUEUE_LIMIT', DEFAULT_QUEUE_LIMIT, 100_000),
  };
}

export type AdmissionRefusal = { reason: 'rate-limited'; message: string };

export class TriageAdmission {
  private readonly recent = new LruMap<string, number[]>(MAX_PEOPLE);

  constructor(
    private readonly settings: Pick<AdmissionSettings, 'perPersonPerMinute'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Undefined when the triage may start (and counts it); otherwise why not, in words for the person. */
  admit(personKey: string): AdmissionRefusal | undefined {
    const now = this.now();
    const times = (this.recent.get(personKey) ?? []).filter((t) => now - t < WINDOW_MS);
    if (times.length >= this.settings.perPersonPerMinute) {
      const wait = Math.ceil((WINDOW_MS - (now - times[0]!)) / 1000);
      this.recent.set(personKey, times);
      return {
        reason: 'rate-limited',
        message: `You have started ${times.length} checks in the last minute, so this one was not started. Try again in ${wait} s.`,
      };
    }
    times.push(now);
    this.recent.set(personKey, times);
    return undefined;
  }
}

/** One key per person, whatever the channel: the Entra object id when vouched, else channel + user id. */
export function personKey(person: { id: string; aadObjectId?: string; channel: string }): string {
  return person.aadObjectId ? `aad:${person.aadObjectId.toLowerCase()}` : `${person.channel}:${person.id}`;
}
