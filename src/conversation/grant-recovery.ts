/**
 * At start, finishes the grants a crash (or a stuck executor) left approved: each is taken over by one
 * instance, execute() reads whether its PUT landed (the assignment's name is deterministic) and carries it
 * out or records it, and the card is updated to say what is true. A press on a stale card does the same
 * through ApprovalService.press.
 */
import type { ApprovalRecord, ApprovalService } from './approvals';
import type { Logger } from './background';
import type { InFlightIndex } from './in-flight';

export interface GrantRecoveryOptions {
  approvals: ApprovalService;
  inFlight: InFlightIndex;
  log: Logger;
  /** Updates the approval's card in its channel (Teams or Slack). */
  show: (record: ApprovalRecord) => Promise<void>;
  signal?: AbortSignal;
}

export async function recoverGrants(o: GrantRecoveryOptions): Promise<ApprovalRecord[]> {
  const finished: ApprovalRecord[] = [];
  for (const id of await o.inFlight.list()) {
    if (o.signal?.aborted) break;
    const record = await o.approvals.get(id);
    if (!record || record.state !== 'approved') {
      // Finished (or gone) but still listed: a crash after the final write and before the index update.
      await o.inFlight.remove(id);
      continue;
    }
    if (!o.approvals.isStale(record)) continue;
    const taken = await o.approvals.takeOver(id, undefined, 'found interrupted when the bot started; finishing it');
    if (!taken) continue;
    o.log.warn('finishing an interrupted grant', { approvalId: id, executor: record.executor });
    const done = await o.approvals.execute(taken, { signal: o.signal });
    await o.show(done).catch((error: unknown) =>
      o.log.error('updating the card of a recovered grant failed', {
        approvalId: id,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    finished.push(done);
  }
  return finished;
}
