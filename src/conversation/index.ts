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
}): ConversationCore {
  const background = o.background ?? new BackgroundWork(o.log, { laneLimits: { triage: TRIAGE_CONCURRENCY } });
  const conversation = new Conversation({
    state: new ConversationState(o.store),
    engine: o.engine,
    approvals: o.approvals,
    audit: o.audit,
    cards: new CardStore(o.store),
    background,
    log: o.log,
    demo: o.demo,
    auditAudience: o.auditAudience,
    examples: o.examples,
  });
  return { conversation, background };
}
