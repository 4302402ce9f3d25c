/**
 * A message acknowledged before it was handled, whose handling then cannot happen: the person is told, with a
 * reference to the log line, and told differently when the bot stopped before reaching it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileAuditLog } from '../storage/audit';
import { FileStorage } from '../storage/file-storage';
import type { TriageEngine } from '../triage/engine';
import { WorkScheduler } from '../scheduling/work-scheduler';
import { ApprovalService } from './approvals';
import { BackgroundWork } from './background';
import { createConversation } from './index';
import type { MessageLocation } from './location';
import type { ChannelPort, ConversationView, Turn } from './port';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'acknowledged-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const where: MessageLocation = { channel: 'slack', conversation: 'C1' };
const turn: Turn = {
  channel: 'slack',
  person: { id: 'U1', channel: 'slack' },
  where,
  conversationKey: 'slack/C1',
  eventId: 'Ev1',
  privateAnswers: true,
};

function core() {
  const storage = new FileStorage({ directory: path.join(dir, 'state') });
  const audit = new FileAuditLog({ file: path.join(dir, 'audit.jsonl') });
  // Nothing here reaches Azure: the message is never handled.
  const engine = {} as TriageEngine;
  const approvals = new ApprovalService({ storage, audit, engine, approvers: [], allowSelfApproval: false, ttlMs: 60_000 });
  const scheduler = new WorkScheduler({ foregroundGraceMs: 60_000 });
  const background = new BackgroundWork(quiet);
  const { conversation } = createConversation({
    store: storage,
    engine,
    audit,
    approvals,
    background,
    scheduler,
    log: quiet,
    demo: false,
    auditAudience: 'approvers',
  });
  const posted: ConversationView[] = [];
  const port: ChannelPort = {
    post: async (at, view) => (posted.push(view), at),
    replace: async () => undefined,
    answerPrivately: async () => undefined,
  };
  return { conversation, scheduler, background, port, posted };
}

test('a message the bot stopped before handling is answered "restarting, send it again", with its log reference', async () => {
  const { conversation, scheduler, background, port, posted } = core();
  // An HTTP answer still owed keeps the message waiting its turn.
  scheduler.answerPending();
  conversation.acknowledged(port, turn, 'check aks-prod acrdemo');
  expect(await background.drain(50)).toBe(false);
  await background.idle();
  expect(posted).toHaveLength(1);
  const notice = posted[0];
  expect(notice.kind).toBe('notice');
  const text = notice.kind === 'notice' ? `${notice.view.title} ${notice.view.text}` : '';
  expect(text).toMatch(
    /^The bot was restarting It stopped before it could handle that message \(ref [0-9a-f]{8}\)\. Nothing was changed in Azure\. Send it again/,
  );
});
