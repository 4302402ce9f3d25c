/**
 * The engine as its callers (CLI, bot) see it. The implementation lives in src/azure/ (it talks to ARM);
 * this file holds only the contract so that src/conversation and src/cli depend on no Azure SDK.
 */
import type { ClusterFacts, Evidence, KubeFacts, Read } from './evidence';
import type { Report } from './report';
import type { ClusterRef, Target } from './refs';
import type { GrantPlan } from './remediation';

export interface TriageOptions {
  signal?: AbortSignal;
  /** Read pods/events through run command (starts a short-lived pod in the cluster). Default true. */
  pods?: boolean;
  /** Deadline for pod evidence, ms; ARM checks never wait for it. */
  podDeadlineMs?: number;
  /** Called with the ARM-only report as soon as it exists, before pod evidence arrives. */
  onPartialReport?: (report: Report) => void;
  /** Called with short progress lines ("resolving myacr…"), for stderr or a typing indicator. */
  onProgress?: (message: string) => void;
  /**
   * Pod evidence already read for this cluster (a triage from the cluster alone reads the pods once, then
   * triages each registry they fail to pull from): used instead of reading pods again.
   */
  kube?: Read<KubeFacts>;
}

export interface ClusterPodsOptions {
  signal?: AbortSignal;
  podDeadlineMs?: number;
  subscriptionId?: string;
  onProgress?: (message: string) => void;
}

/** A cluster's pods and events, read without a registry in mind (`check <cluster>`, alerts). */
export interface ClusterPods {
  /** The cluster as found, or why it was not (not visible, ambiguous, unreadable). */
  cluster: Read<ClusterFacts>;
  kube: Read<KubeFacts>;
  /** ARM requests made by this read. */
  requestCount: number;
}

export interface TriageResult {
  report: Report;
  evidence: Evidence;
  /** ARM requests made by this triage. */
  requestCount: number;
}

export type GrantOutcome =
  | { status: 'created'; assignmentId: string; correlationId?: string }
  | { status: 'already-exists'; assignmentId?: string; correlationId?: string }
  /** Re-validation found that nothing needs granting any more (someone else fixed it). */
  | { status: 'not-needed'; reason: string }
  /** The plan no longer matches Azure (kubelet identity replaced, registry mode changed, registry gone). */
  | { status: 'stale'; reason: string }
  /** The writer lacks permission; `needs` names the role. */
  | { status: 'forbidden'; reason: string; needs: string; correlationId?: string }
  | { status: 'failed'; reason: string; code?: string; correlationId?: string };

export interface VerifyOutcome {
  /** The grant is visible on the registry for the principal (ARM read). */
  visible: boolean;
  /** rbac.pull-role status after the grant. */
  pullRoleStatus: string;
  detail: string;
  attempts: number;
}

export interface GrantOptions {
  signal?: AbortSignal;
  /** Who approved, for the assignment description and the audit. */
  approvedBy: string;
  /** Wait between verification attempts (propagation); tests shorten it. */
  verifyDelaysMs?: number[];
  /** Back-off between retries of the PUT on transient errors. */
  retryDelaysMs?: number[];
}

export interface TriageEngine {
  triage(target: Target, options?: TriageOptions): Promise<TriageResult>;
  /** Finds the cluster and reads its pods and events (the first half of a triage from the cluster alone). */
  readClusterPods(cluster: ClusterRef, options?: ClusterPodsOptions): Promise<ClusterPods>;
  /** Re-reads what the plan depends on, checks the writer's permission, and creates the assignment once. */
  grant(plan: GrantPlan, options: GrantOptions): Promise<GrantOutcome>;
  /** Re-runs the pull-role check for the plan's principal, retrying while the assignment propagates. */
  verify(plan: GrantPlan, options?: { signal?: AbortSignal; delaysMs?: number[] }): Promise<VerifyOutcome>;
}
