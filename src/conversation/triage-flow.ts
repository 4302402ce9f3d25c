/**
 * What a triage in a conversation does, whatever the channel: a progress message at once (channels give a
 * turn seconds; Azure may take longer), then after the turn: triage (the ARM-only report replaces the
 * progress first) → audit → grant offer when a plan exists → final findings in the same message. A check
 * that cannot finish says so in that message, and that nothing was changed.
 */
import { auditTarget, snapshotOf, targetLabel, toProgressView } from '../channels/view-model';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine, TriageResult } from '../triage/engine';
import type { PastedError } from '../triage/paste';
import type { Target, TargetRefs } from '../triage/refs';
import { planGrant } from '../triage/remediation';
import type { Report } from '../triage/report';
import type { ApprovalService, Person } from './approvals';
import type { BackgroundWork, Logger } from './background';
import type { CardStore } from './card-store';
import type { MessageLocation } from './location';
import type { ChannelPort, ConversationView, FindingsView } from './port';
import type { AlertBannerView } from '../channels/alert-banner';
import { triageCluster } from '../triage/cluster-triage';
import type { ClusterRef } from '../triage/refs';
import { showClusterTriage } from './cluster-flow';
import { busyNotice, unfinishedNotice } from './wording';
import { SchedulerBusyError, type WorkClass, type WorkScheduler } from '../scheduling/work-scheduler';

export interface TriageFlowDeps {
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  background: BackgroundWork;
  log: Logger;
  /** Admits triages and paces their card updates and background writes (src/scheduling). */
  scheduler: WorkScheduler;
}

export interface TriageStart {
  target: Target;
  refs: TargetRefs;
  requester: Person;
  /** The conversation the request came from. */
  where: MessageLocation;
  /** A message to turn into the progress (and then the findings) instead of posting a new one. */
  replace?: MessageLocation;
  /** The errors the person pasted, shown at the top of the findings. */
  pasted?: PastedError[];
}

export class TriageStarter {
  constructor(private readonly deps: TriageFlowDeps) {}

  /**
   * Shows progress now and runs the triage after the turn — or, when too many checks already wait to start,
   * says so instead and starts nothing.
   */
  async start(port: ChannelPort, input: TriageStart): Promise<void> {
    const busy = !this.deps.scheduler.hasRoom();
    const progress: ConversationView = busy ? { kind: 'notice', view: busyNotice() } : { kind: 'progress', view: toProgressView(input.target) };
    let at: MessageLocation;
    if (input.replace) {
      await port.replace(input.replace, progress);
      at = input.replace;
    } else {
      at = await port.post(input.where, progress);
    }
    if (busy) {
      this.deps.log.warn('check refused: too many waiting to start', { target: targetLabel(input.target) });
      return;
    }
    this.deps.background.run(`triage ${targetLabel(input.target)}`, (signal) => this.finish(port, at, input, signal));
  }

  /** `check <cluster>` alone: progress now; after the turn one findings message per registry the pods fail on. */
  async startCluster(
    port: ChannelPort,
    input: { cluster: ClusterRef; label: string; requester: Person; where: MessageLocation; replace?: MessageLocation },
  ): Promise<void> {
    const progress: ConversationView = {
      kind: 'progress',
      view: { heading: `Checking ${input.label}`, detail: "Reading the cluster's failing pods, then each registry they pull from…" },
    };
    let first: MessageLocation;
    if (input.replace) {
      await port.replace(input.replace, progress);
      first = input.replace;
    } else {
      first = await port.post(input.where, progress);
    }
    this.deps.background.run(`triage ${input.label}`, async (signal) => {
      try {
        const t = await triageCluster(this.deps.engine, input.cluster, { signal });
        await showClusterTriage(this.deps, t, { requester: input.requester, clusterLabel: input.label }, port, first);
      } catch (error) {
        this.deps.log.error('triage failed', { target: input.label, error: error instanceof Error ? error.message : String(error) });
        await port.replace(first, { kind: 'notice', view: unfinishedNotice(input.label, signal.aborted) }).catch(() => undefined);
      }
    });
  }

  private async finish(port: ChannelPort, at: MessageLocation, input: TriageStart, signal: AbortSignal): Promise<void> {
    const { scheduler } = this.deps;
    // Updates are chained so that a late partial report can never overwrite the final findings. Each is
    // rendered (inside `replace`) when the scheduler releases its class: ARM findings before pod evidence.
    let chain = Promise.resolve();
    const show = (kind: WorkClass, view: ConversationView): Promise<void> => {
      const released = scheduler.wait(kind);
      chain = chain
        .then(async () => {
          await released;
          await port.replace(at, view);
        })
        .catch((error: unknown) => {
          this.deps.log.error('updating the findings message failed', { error: error instanceof Error ? error.message : String(error) });
        });
      return chain;
    };
    const deps = this.deps;
    try {
      // Waits for the loop to have room; the triage then holds nothing while it waits on Azure.
      const phase = await scheduler.admit({ signal });
      let result;
      try {
        result = await deps.engine.triage(input.target, {
          signal,
          onPartialReport: (report) => {
            void show('findings', {
              kind: 'findings',
              snapshot: { report, resources: {}, backoffPods: [], ...(input.pasted && { pasted: input.pasted }) },
            });
            phase.findingsOut();
          },
        });
      } finally {
        phase.findingsOut();
      }
      await show(
        'finish',
        await offerAfterTriage(deps, result, { refs: input.refs, requester: input.requester, location: at, pasted: input.pasted }),
      );
    } catch (error) {
      if (error instanceof SchedulerBusyError) {
        await show('findings', { kind: 'notice', view: busyNotice() });
        return;
      }
      deps.log.error('triage failed', { target: targetLabel(input.target), error: error instanceof Error ? error.message : String(error) });
      await show('findings', { kind: 'notice', view: unfinishedNotice(targetLabel(input.target), signal.aborted) });
    }
  }
}

export interface OfferInput {
  refs: TargetRefs;
  requester: Person;
  /** Where the findings message is, so that the approval can replace it later. */
  location: MessageLocation;
  pasted?: PastedError[];
  /** An alert's banner, kept with the card so that a re-render (after a press) shows it again. */
  banner?: AlertBannerView;
}

/** After a triage, whoever ran it: audit it, and when a grant can be planned create the approval and keep the card's data. */
export async function offerAfterTriage(
  deps: Omit<TriageFlowDeps, 'engine' | 'background' | 'scheduler'> & { scheduler?: WorkScheduler },
  result: TriageResult,
  input: OfferInput,
): Promise<FindingsView> {
  const snapshot = snapshotOf(result, input.pasted);
  const plan = planGrant(result.evidence, result.report.findings);
  const summary = summaryOf(result.report);
  const banner = input.banner ? { banner: input.banner } : {};
  // Beside the offer, not before it: the file audit log commits its appends in groups.
  const audited = deps.audit
    .append({ at: new Date().toISOString(), kind: 'triage', actor: input.requester, target: auditTarget(snapshot, input.refs), summary })
    .catch((error: unknown) => deps.log.error('audit append failed', { error: String(error) }));
  if (!plan) {
    await audited;
    return { kind: 'findings', snapshot, ...banner };
  }
  // Background writes take one of the scheduler's few storage slots, so turns' own reads and writes go first.
  const write = <T>(operation: () => Promise<T>): Promise<T> => (deps.scheduler ? deps.scheduler.storage('finish', operation) : operation());
  const approval = await write(() => deps.approvals.create({ plan, requester: input.requester, summary, location: input.location }));
  await write(() => deps.cards.save(approval.id, { snapshot, refs: input.refs, ...banner }));
  await audited;
  return { kind: 'findings', snapshot, offer: { plan, approval }, ...banner };
}

/** Evidence snapshot for the audit: verdict, failing check ids and their first evidence lines. */
export function summaryOf(report: Report): string {
  const bad = report.findings.filter((f) => f.status === 'fail' || f.status === 'unknown');
  const lines = bad.slice(0, 5).map((f) => `${f.check} ${f.status}: ${f.evidence.split('\n')[0].slice(0, 200)}`);
  return [`${report.verdict}${bad.length ? ` (${bad.map((f) => f.check).join(', ')})` : ''}`, ...lines].join('\n');
}
