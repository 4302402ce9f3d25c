/**
 * The conversation core, assembled: one per process, shared by every channel (one work scheduler, one
 * drain at shutdown, one state store). The composition root supplies engine, store, audit and
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
import { WorkScheduler } from '../scheduling/work-scheduler';

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
  /** Paces the core's rendering and background writes; the composition root shares it with the Azure transport and Teams. */
  scheduler?: WorkScheduler;
}): ConversationCore {
  const background = o.background ?? new BackgroundWork(o.log);
  const conversation = new Conversation({
    state: new ConversationState(o.store),
    engine: o.engine,
    approvals: o.approvals,
    audit: o.audit,
    cards: new CardStore(o.store),
    background,
    scheduler: o.scheduler ?? new WorkScheduler(),
    log: o.log,
    demo: o.demo,
    auditAudience: o.auditAudience,
    examples: o.examples,
  });
  return { conversation, background };
}
