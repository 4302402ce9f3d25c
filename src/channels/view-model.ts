/**
 * The channel-neutral view of a triage: what every renderer (Adaptive Card, Slack blocks, plain text) shows,
 * already worded for an on-call engineer. Renderers decide layout only; they never re-interpret findings.
 *
 * Inputs are plain data (a `TriageSnapshot`, a `GrantPlan`, an approval's public state) so that a view can be
 * rebuilt on another instance, long after the triage, from what was stored.
 */
import { conclude, type CauseVerdict } from '../triage/conclusion';
import type { Evidence } from '../triage/evidence';
import { backoffPods } from '../triage/failing-pods';
import type { GrantOutcome, TriageResult, VerifyOutcome } from '../triage/engine';
import type { ClusterRef, RegistryRef, Target } from '../triage/refs';
import type { Finding, Report, Status, Verdict } from '../triage/report';
import type { PastedError } from '../triage/paste';
import type { GrantPlan } from '../triage/remediation';
import { clip } from './clip';
import { grantView } from './grant-view';
import { timeToken } from './times';

/** Adaptive Card colour names; Slack and text map them to their own emphasis. */
export type Tone = 'good' | 'attention' | 'warning' | 'accent' | 'default';

/** What a triage leaves behind for rendering: the report plus the few evidence facts a card links to. */
export interface TriageSnapshot {
  report: Report;
  resources: { clusterId?: string; registryId?: string; kubeletIdentityId?: string };
  /** Pods waiting on an image from this registry (ErrImagePull / ImagePullBackOff), for the after-grant advice. */
  backoffPods: { namespace: string; name: string }[];
  /** The errors the person pasted to start this triage (classified, excerpts only). */
  pasted?: PastedError[];
}

/** The part of an approval record a view needs (structurally compatible with ApprovalRecord). */
export interface ApprovalSnapshot {
  id: string;
  state: 'pending' | 'approved' | 'granted' | 'failed' | 'expired';
  expiresAt: string;
  requester?: { name?: string; id: string };
  approvedBy?: { name?: string; id: string };
  approvedAt?: string;
  outcome?: GrantOutcome;
  verification?: VerifyOutcome;
  finishedAt?: string;
}

export interface FindingRowView {
  /** Element id safe for Adaptive Cards (`row-rbac-pull-role`). */
  elementId: string;
  check: string;
  title: string;
  status: Status;
  icon: string;
  statusLabel: string;
  tone: Tone;
  evidence: string;
  fix?: string;
  command?: string;
  needs?: string;
}

export interface LinkView {
  title: string;
  url: string;
}

export interface GrantView {
  approvalId: string;
  principal: string;
  principalId: string;
  role: string;
  roleGuid: string;
  scopeName: string;
  scope: string;
  condition?: string;
  azCommand: string;
  /** One line in the card: "Waiting for an approver", "Approved by Ana Díaz — granting…", … */
  status: string;
  tone: Tone;
  /** The grant button is offered only while the approval is pending. */
  pressable: boolean;
  approvedBy?: string;
  approvedAt?: string;
  assignmentId?: string;
  verification?: string;
  /** What to do next about pods in back-off, once the grant is in place. */
  nextSteps: string[];
}

/** What a pasted error means, and how each of its candidate causes fared. */
export interface PastedView {
  meaning: string;
  excerpt: string;
  candidates: { icon: string; verdict: CauseVerdict; check: string; title: string; evidence: string }[];
  others: string[];
}

export interface ReportView {
  heading: string;
  /** One sentence before everything else: the most likely cause and the one action. */
  conclusion: string;
  pasted?: PastedView;
  verdict: Verdict;
  verdictText: string;
  verdictIcon: string;
  verdictTone: Tone;
  counts: string;
  collectedAt: string;
  /** Set while pod evidence is still being read. */
  pending?: string;
  /** Set once a grant was made: the findings below predate it. */
  afterGrant?: string;
  problems: FindingRowView[];
  others: FindingRowView[];
  links: LinkView[];
  grant?: GrantView;
}

export interface ProgressView {
  heading: string;
  detail: string;
}

export type TargetPart = 'cluster' | 'registry';

export interface AskView {
  part: TargetPart;
  question: string;
  placeholder: string;
  hint: string;
  known?: string;
  error?: string;
  /** What an earlier paste was understood to say (kept while the rest is asked for). */
  understood?: string;
}

export interface HelpView {
  welcome: boolean;
  demo: boolean;
  commands: { command: string; meaning: string }[];
  examples: string[];
}

export interface NoticeView {
  title: string;
  text: string;
  tone: Tone;
}

const STATUS: Record<Status, { icon: string; label: string; tone: Tone }> = {
  fail: { icon: '❌', label: 'Fail', tone: 'attention' },
  warn: { icon: '⚠️', label: 'Warning', tone: 'warning' },
  unknown: { icon: '❔', label: 'Unknown', tone: 'accent' },
  pass: { icon: '✅', label: 'Pass', tone: 'good' },
  skip: { icon: '➖', label: 'Not applicable', tone: 'default' },
};

const VERDICT: Record<Verdict, { text: string; icon: string; tone: Tone }> = {
  problems: { text: 'Problems found', icon: '❌', tone: 'attention' },
  incomplete: { text: 'Incomplete — some checks could not see', icon: '❔', tone: 'warning' },
  healthy: { text: 'No problem found', icon: '✅', tone: 'good' },
};

const PROBLEM_ORDER: Record<Status, number> = { fail: 0, warn: 1, unknown: 2, pass: 3, skip: 4 };

const CAUSE_ICON: Record<CauseVerdict, string> = {
  confirms: '🔴',
  'rules out': '⚪',
  possible: '🟡',
  'could not check': '❔',
  'not applicable': '➖',
  'not checked': '➖',
};

export function clusterLabel(ref: ClusterRef): string {
  return ref.resourceGroup ? `${ref.resourceGroup}/${ref.name}` : ref.name;
}

export function registryLabel(ref: RegistryRef): string {
  switch (ref.kind) {
    case 'acr-id':
    case 'acr-name':
      return ref.name;
    case 'acr-host':
      return ref.loginServer;
    case 'external':
      return ref.host;
  }
}

export function targetLabel(target: Target): string {
  const registry = target.image ? target.image.raw : registryLabel(target.registry);
  return `${clusterLabel(target.cluster)} → ${registry}`;
}

/** Azure portal deep link for a resource id (the tenant-less `#@/resource` form works in every tenant). */
export function portalUrl(resourceId: string): string {
  return `https://portal.azure.com/#@/resource${resourceId}`;
}

/** Keeps the facts a card needs from a triage, dropping the bulk of the evidence. */
export function snapshotOf(result: Pick<TriageResult, 'report' | 'evidence'>, pasted?: PastedError[]): TriageSnapshot {
  return { report: result.report, ...evidenceFacts(result.evidence), ...(pasted && pasted.length > 0 && { pasted }) };
}

/** What the audit log records as a triage's target: resolved resource ids where known, else what was typed. */
export function auditTarget(
  snapshot: TriageSnapshot,
  refs: { cluster: string; registry: string },
): { cluster: string; registry: string; image?: string } {
  const image = snapshot.report.target.image?.raw;
  return {
    cluster: snapshot.resources.clusterId ?? refs.cluster,
    registry: snapshot.resources.registryId ?? refs.registry,
    ...(image ? { image } : {}),
  };
}

function evidenceFacts(evidence: Evidence | undefined): Omit<TriageSnapshot, 'report'> {
  if (!evidence) return { resources: {}, backoffPods: [] };
  const cluster = evidence.cluster.state === 'ok' ? evidence.cluster.value : undefined;
  const registry = evidence.registry.state === 'ok' ? evidence.registry.value : undefined;
  return {
    resources: { clusterId: cluster?.id, registryId: registry?.id, kubeletIdentityId: cluster?.kubeletIdentity?.resourceId },
    backoffPods: backoffPods(evidence),
  };
}

export interface ReportViewOptions {
  plan?: GrantPlan;
  approval?: ApprovalSnapshot;
  /** Longest evidence / command text per row before it is cut (renderers lower it to fit a size budget). */
  maxTextLength?: number;
  /** Show passed / not-applicable rows in `others` (a renderer may drop them to fit). */
  includeOthers?: boolean;
}

export function toReportView(snapshot: TriageSnapshot, options: ReportViewOptions = {}): ReportView {
  const { report } = snapshot;
  const max = options.maxTextLength ?? 1200;
  // A command is printed once: the grant offer carries its own `az role assignment create`.
  const printed = new Set<string>(options.plan && options.approval ? [options.plan.azCommand.trim()] : []);
  const rows = report.findings.map((f) => rowOf(f, max, printed));
  const problems = rows.filter((r) => r.status === 'fail' || r.status === 'warn' || r.status === 'unknown');
  problems.sort((a, b) => PROBLEM_ORDER[a.status] - PROBLEM_ORDER[b.status]);
  const others = options.includeOthers === false ? [] : rows.filter((r) => r.status === 'pass' || r.status === 'skip');
  const verdict = VERDICT[report.verdict];
  const conclusion = conclude(report.findings, {
    pasted: snapshot.pasted,
    ...(options.plan && options.approval && { grant: { role: options.plan.roleName, pending: options.approval.state === 'pending' } }),
  });
  return {
    heading: targetLabel(report.target),
    conclusion: conclusion.sentence,
    pasted: conclusion.pasted && {
      meaning: clip(conclusion.pasted.meaning, max),
      excerpt: conclusion.pasted.excerpt,
      candidates: conclusion.pasted.candidates.map((c) => ({ ...c, icon: CAUSE_ICON[c.verdict], evidence: clip(c.evidence, max) })),
      others: conclusion.pasted.others,
    },
    verdict: report.verdict,
    verdictText: verdict.text,
    verdictIcon: verdict.icon,
    verdictTone: verdict.tone,
    counts: countsOf(report.findings),
    collectedAt: timeToken(report.collectedAt),
    pending: report.complete ? undefined : 'Reading pods and events from the cluster… this card updates when they arrive.',
    afterGrant:
      options.approval?.state === 'granted'
        ? 'AcrPull was granted after these findings were read (see below). Press "Check again" for the state now.'
        : undefined,
    problems,
    others,
    links: linksOf(snapshot, options.plan),
    grant: options.plan && options.approval ? grantView(options.plan, options.approval, snapshot.backoffPods, max) : undefined,
  };
}

function rowOf(f: Finding, max: number, printed: Set<string>): FindingRowView {
  const s = STATUS[f.status];
  const command = f.command && !printed.has(f.command.trim()) ? f.command : undefined;
  if (command) printed.add(command.trim());
  return {
    elementId: `row-${f.check.replace(/[^a-z0-9]+/gi, '-')}`,
    check: f.check,
    title: f.title,
    status: f.status,
    icon: s.icon,
    statusLabel: s.label,
    tone: s.tone,
    evidence: clip(f.evidence, max),
    fix: f.remediation ? clip(f.remediation, max) : undefined,
    command: command ? clip(command, max) : undefined,
    needs: f.needs ? clip(f.needs, max) : undefined,
  };
}

function countsOf(findings: readonly Finding[]): string {
  const n = (s: Status) => findings.filter((f) => f.status === s).length;
  const parts: string[] = [];
  if (n('fail')) parts.push(`${n('fail')} failed`);
  if (n('warn')) parts.push(`${n('warn')} warning${n('warn') > 1 ? 's' : ''}`);
  if (n('unknown')) parts.push(`${n('unknown')} unknown`);
  parts.push(`${n('pass')} passed`);
  if (n('skip')) parts.push(`${n('skip')} not applicable`);
  return parts.join(' · ');
}

function linksOf(snapshot: TriageSnapshot, plan: GrantPlan | undefined): LinkView[] {
  const { clusterId, registryId, kubeletIdentityId } = snapshot.resources;
  const links: LinkView[] = [];
  const cluster = clusterId ?? plan?.clusterId;
  const registry = registryId ?? plan?.scope;
  if (cluster) links.push({ title: `Cluster ${lastSegment(cluster)}`, url: portalUrl(cluster) });
  if (registry) links.push({ title: `Registry ${lastSegment(registry)}`, url: portalUrl(registry) });
  if (kubeletIdentityId) links.push({ title: `Kubelet identity ${lastSegment(kubeletIdentityId)}`, url: portalUrl(kubeletIdentityId) });
  return links;
}

function lastSegment(id: string): string {
  return id.split('/').filter(Boolean).pop() ?? id;
}

export function toProgressView(target: Target, note?: string): ProgressView {
  return {
    heading: `Checking ${targetLabel(target)}…`,
    detail: note ?? 'Reading the cluster, the registry, role assignments and the network path from Azure. This card is replaced by the findings.',
  };
}

export function toAskView(part: TargetPart, options: { known?: string; error?: string; understood?: string } = {}): AskView {
  const understood = options.understood ? { understood: clip(options.understood, 600) } : {};
  const view: AskView =
    part === 'cluster'
      ? {
          part,
          question: options.known ? `Which AKS cluster cannot pull from ${options.known}?` : 'Which AKS cluster cannot pull?',
          placeholder: 'aks-prod, rg-prod/aks-prod, or an ARM id / portal URL',
          hint: 'A bare name is searched across the subscriptions the bot can read.',
          known: options.known,
          error: options.error,
        }
      : {
          part,
          question: options.known ? `Which registry (or image) can ${options.known} not pull from?` : 'Which registry (or image) cannot be pulled?',
          placeholder: 'myacr, myacr.azurecr.io, or myacr.azurecr.io/team/app:1.2',
          hint: 'An image reference also checks that the image exists.',
          known: options.known,
          error: options.error,
        };
  return { ...view, ...understood };
}

export function toHelpView(options: { welcome: boolean; demo: boolean; examples?: string[] }): HelpView {
  return {
    welcome: options.welcome,
    demo: options.demo,
    commands: [
      { command: 'check <cluster> <registry>', meaning: "Find why the cluster's nodes cannot pull from the registry. Read-only." },
      {
        command: '(paste an error)',
        meaning:
          'Paste a kubelet event, kubectl describe pod, kubectl get events or az aks check-acr output: I read the image and the error, say what it means, and ask only for what is missing.',
      },
      { command: 'check again', meaning: 'Run the last check of this conversation again (after a fix).' },
      { command: 'audit', meaning: 'Show recent triages, approvals and grants (approvers only).' },
      { command: 'help', meaning: 'Show this card.' },
    ],
    examples: options.examples ?? ['check aks-prod myacr', "pods on rg-prod/aks-prod can't pull myacr.azurecr.io/shop/api:1.4.2"],
  };
}

/** The audit entry fields a view shows (structurally compatible with the AuditLog's entries). */
export interface AuditEntryLike {
  at: string;
  kind: string;
  actor?: { name?: string; id: string } | string;
  approvalId?: string;
  target?: string | { cluster: string; registry: string; image?: string };
  assignmentId?: string;
  summary?: string;
  reason?: string;
}

export interface AuditView {
  title: string;
  entries: { at: string; kind: string; text: string }[];
}

export function toAuditView(entries: readonly AuditEntryLike[], limit: number): AuditView {
  const shown = [...entries].sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
  return {
    title: `Audit log — last ${shown.length} entr${shown.length === 1 ? 'y' : 'ies'}, newest first`,
    entries: shown.map((e) => ({ at: timeToken(e.at), kind: e.kind, text: clip(auditText(e), 400) })),
  };
}

function auditText(e: AuditEntryLike): string {
  const actor = typeof e.actor === 'string' ? e.actor : e.actor ? (e.actor.name ?? e.actor.id) : undefined;
  const target =
    typeof e.target === 'string'
      ? e.target
      : e.target
        ? `${lastSegment(e.target.cluster)} → ${e.target.image ?? lastSegment(e.target.registry)}`
        : undefined;
  const parts = [
    actor && `by ${actor}`,
    target,
    e.summary,
    e.reason,
    e.assignmentId && `assignment ${e.assignmentId}`,
    e.approvalId && `approval ${e.approvalId.slice(0, 8)}…`,
  ];
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' — ') || '(no detail)';
}
