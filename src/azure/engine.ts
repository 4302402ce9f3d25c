/**
 * The TriageEngine the CLI and the bot use: gather (ARM first, pods beside it) -> judge -> report, plus
 * the grant executor and its verification. One engine serves many triages; each counts its own requests.
 */
import type { ClusterPods, ClusterPodsOptions, GrantOptions, GrantOutcome, TriageEngine, TriageOptions, TriageResult, VerifyOutcome } from '../triage/engine';
import type { ClusterRef, Target } from '../triage/refs';
import type { GrantPlan } from '../triage/remediation';
import { judge } from '../triage/judge';
import type { AzureClients } from './clients';
import { readClusterPods } from './cluster-pods';
import { gatherEvidence } from './gather';
import { executeGrant, verifyGrant } from './grant';

export interface TriageEngineOptions {
  clients: AzureClients;
  /** Per-read deadline for ARM reads (ms). */
  readDeadlineMs?: number;
  /** Defaults for TriageOptions (from config: TRIAGE_PODS, TRIAGE_POD_DEADLINE_MS). */
  pods?: boolean;
  podDeadlineMs?: number;
  /** Run-command poll interval (ms). */
  podPollIntervalMs?: number;
  /** Clock for collectedAt (tests). */
  now?: () => Date;
}

export function createTriageEngine(options: TriageEngineOptions): TriageEngine {
  const { clients } = options;
  return {
    async triage(target: Target, triageOptions: TriageOptions = {}): Promise<TriageResult> {
      const counter = { count: 0 };
      return clients.meter.run(counter, async () => {
        const gathered = gatherEvidence(target, clients, {
          signal: triageOptions.signal,
          readDeadlineMs: options.readDeadlineMs,
          pods: triageOptions.pods ?? options.pods ?? true,
          podDeadlineMs: triageOptions.podDeadlineMs ?? options.podDeadlineMs,
          podPollIntervalMs: options.podPollIntervalMs,
          onProgress: triageOptions.onProgress,
          kube: triageOptions.kube,
          now: options.now,
        });
        const armOnly = await gathered.evidence;
        const partial = judge(armOnly, { complete: armOnly.kube.state === 'skipped' && armOnly.kube.cause === 'turned-off' });
        if (triageOptions.onPartialReport) {
          try {
            triageOptions.onPartialReport(partial);
          } catch {
            // A caller's rendering problem must not lose the triage.
          }
        }
        if (!partial.complete) triageOptions.onProgress?.('reading pods and events through run command…');
        const evidence = await gathered.withPods;
        return { report: judge(evidence, { complete: true }), evidence, requestCount: counter.count };
      });
    },

    async readClusterPods(cluster: ClusterRef, podsOptions: ClusterPodsOptions = {}): Promise<ClusterPods> {
      const counter = { count: 0 };
      return clients.meter.run(counter, async () => {
        const read = await readClusterPods(clients, cluster, {
          ...podsOptions,
          podDeadlineMs: podsOptions.podDeadlineMs ?? options.podDeadlineMs,
          readDeadlineMs: options.readDeadlineMs,
          podPollIntervalMs: options.podPollIntervalMs,
        });
        return { ...read, requestCount: counter.count };
      });
    },

    grant(plan: GrantPlan, grantOptions: GrantOptions): Promise<GrantOutcome> {
      return executeGrant(clients, plan, { ...grantOptions, readDeadlineMs: options.readDeadlineMs });
    },

    verify(plan: GrantPlan, verifyOptions: { signal?: AbortSignal; delaysMs?: number[] } = {}): Promise<VerifyOutcome> {
      return verifyGrant(clients, plan, { ...verifyOptions, readDeadlineMs: options.readDeadlineMs });
    },
  };
}
