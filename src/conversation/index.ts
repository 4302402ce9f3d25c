/**
 * The conversation core, assembled: one per process, shared by every channel (one triage concurrency
 * limit, one drain at shutdown, one state store). The composition root supplies engine, store, audit and
 * approvals; channel adapters get the Conversation and the BackgroundWork.
 */
import type { AuditLog } from '../storage/audit';
import type { Store } from '../storage/store';
import type { TriageEngine } from '../triage/engine';
import type { ApprovalService } from './approvals';
import { BackgroundWork, type Logger } from './background';
import { CardStore } from './card-store';
import { Conversation } from './conversation';
import { ConversationState } from './conversation-state';
import { DEFAULT_QUEUE_LIMIT, DEFAULT_RATE_PER_MINUTE, TriageAdmission, type AdmissionSettings } from '../limits/admission';

/**
 * Triages that run at once; more wait their turn. Against real ARM a triage mostly waits on the network,
 * but its evidence, checks and cards cost CPU, and hundreds at once starve turns on a 2-core instance.
 */
const TRIAGE_CONCURRENCY = 16;

export interface ConversationCore {
  conversation: Conversation;
  background: BackgroundWork;
}

export function createConversation(o: {
  store: Store;
  engine: TriageEngine;
  audit: AuditLog;
  approvals: ApprovalService;
  log: Logger;
  demo: boolean;
  auditAudience: 'approvers' | 'everyone';
  examples?: string[];
  background?: BackgroundWork;
  /** TRIAGE_RATE_LIMIT and TRIAGE_QUEUE_LIMIT (the defaults otherwise). */
  admission?: AdmissionSettings;
}): ConversationCore {
  const background = o.background ?? new BackgroundWork(o.log, { laneLimits: { triage: TRIAGE_CONCURRENCY } });
  // One admission for every channel: the queue and a person's rate are the same whichever way they ask.
  const admission = new TriageAdmission(o.admission ?? { perPersonPerMinute: DEFAULT_RATE_PER_MINUTE, queueLimit: DEFAULT_QUEUE_LIMIT }, () =>
    background.waiting('triage'),
  );
  const conversation = new Conversation({
    state: new ConversationState(o.store),
    engine: o.engine,
    approvals: o.approvals,
    audit: o.audit,
    cards: new CardStore(o.store),
    background,
    log: o.log,
    admission,
    demo: o.demo,
    auditAudience: o.auditAudience,
    examples: o.examples,
  });
  return { conversation, background };
}
