/**
 * Fault sweep: whatever Azure answers badly, a check that could not read its evidence never says `pass`,
 * and a triage in which any read failed is never `healthy`. The faults are the library's own (scenarios
 * with faults) and generated ones — 403, 404, 429 that never ends, 500, a hang, a malformed body — applied
 * one at a time to every distinct request path a clean run of a scenario makes.
 */
import type { RecordedRequest } from '../../src/simulator/emulator';
import type { Fault, Scenario } from '../../src/simulator/scenario';
import { SCENARIOS, scenario } from '../../src/simulator/scenarios/index';
import { failed, type Evidence } from '../../src/triage/evidence';
import { judge } from '../../src/triage/judge';
import { healthyEvidence } from '../fixtures/evidence';
import { failedReads, failedReadsNeeded, passesOnUnreadableEvidence } from '../support/evidence-dependencies';
import { triageScenario, type ScenarioRun } from '../support/scenario-engine';

/** Generated faults, each matching exactly one request path (a `^…$` rule) and never running out. */
const FAULT_KINDS: { kind: string; fault: (method: string, path: string) => Fault }[] = [
  { kind: '403', fault: (method, path) => ({ method, path, status: 403, code: 'AuthorizationFailed' }) },
  { kind: '404', fault: (method, path) => ({ method, path, status: 404, code: 'ResourceNotFound' }) },
  // Retry-After makes the SDK's throttling policy retry, as against real ARM, until the read deadline.
  { kind: '429 without end', fault: (method, path) => ({ method, path, status: 429, code: 'SubscriptionRequestsThrottled', retryAfter: 1 }) },
  { kind: '500', fault: (method, path) => ({ method, path, status: 500, code: 'InternalServerError' }) },
  { kind: 'hang', fault: (method, path) => ({ method, path, hang: true }) },
  { kind: 'malformed body', fault: (method, path) => ({ method, path, malformed: true }) },
];

/** aks-healthy per the brief; the others reach the reads it never makes (private endpoints and DNS, Microsoft Graph, the ACR data plane). */
const SWEPT_SCENARIOS = ['aks-healthy', 'aks-dns-unlinked', 'aks-sp-expired'];

/**
 * Faults that may rightly leave every read ok: Resource Graph has a fallback (listing each subscription);
 * an ACR tag list only feeds the "did you mean" hint of image.exists; and a 404 on an ACR manifest is the
 * registry's own answer that the tag does not exist (image.exists then says fail, which is right). The
 * cluster-user credential only opens the direct Kubernetes API path (run command is the fallback). The
 * registry token exchange is started speculatively when pod evidence may name an image; when no image
 * was read after all (no pod failing), nothing depended on it.
 */
function mayLeaveEveryReadOk(kind: string, p: ReadPath, imageWasRead: boolean): boolean {
  if (/^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(p.path)) return true;
  // Without the cluster-user kubeconfig, pod evidence comes through run command instead.
  if (/\/managedClusters\/[^/]+\/listClusterUserCredential$/i.test(p.path)) return true;
  if (!/\.azurecr\./i.test(p.host)) return false;
  if (!imageWasRead && /^\/oauth2\/(exchange|token)$/.test(p.path)) return true;
  return /^\/v2\/.+\/tags\/list$/.test(p.path) || (kind === '404' && /^\/v2\/.+\/manifests\/[^/]+$/.test(p.path));
}

/** The sweep's deadlines: short, since every faulted read waits for one; a clean read answers in milliseconds. */
// The pod deadline is generous because every path of a kind is swept at once on a 2-core machine, and the image
// reads only start after pod evidence arrives: a tight one would sometimes time pods out before the image path.
// Pod evidence now has two paths (the Kubernetes API, then run command): each gets this budget, and the five
// Kubernetes lists of every swept run share the machine, so the budget and the sweep's own timeout are larger.
const SWEEP_DEADLINES = { readDeadlineMs: 800, podDeadlineMs: 10000 };
const SWEEP_TIMEOUT_MS = 90_000;

interface ReadPath {
  method: string;
  host: string;
  path: string;
  /** The fault rule's path: the exact path, with the per-run run-command result id generalised. */
  rule: string;
  /** What the clean run got there: an error already (the bot cannot reach a private-only registry) is a failed read before any fault. */
  cleanStatus: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function readPathsOf(requests: readonly RecordedRequest[]): ReadPath[] {
  const seen = new Map<string, ReadPath>();
  for (const r of requests) {
    const rule = `^${escapeRegExp(r.path).replace(/(\/commandResults\/)[^/]+$/i, '$1[^/]+')}$`;
    const key = `${r.method} ${r.host} ${rule}`;
    if (!seen.has(key)) seen.set(key, { method: r.method, host: r.host, path: r.path, rule, cleanStatus: r.status });
  }
  return [...seen.values()];
}

/** Everything wrong with one faulted run, as lines (empty when it behaved). */
function violations(label: string, run: ScenarioRun, fault?: { kind: string; path: ReadPath; cleanFailures: readonly string[] }): string[] {
  const { report, evidence } = run.result;
  const out = passesOnUnreadableEvidence(evidence, report.findings).map((v) => `${label}: ${v}`);
  // "Healthy" is a claim about everything some check needed. A failed read that no check needed here
  // (the egress IPs of a registry whose firewall allows every address) does not make it false.
  const needed = failedReadsNeeded(evidence);
  if (needed.length > 0 && report.verdict === 'healthy') out.push(`${label}: verdict healthy although ${needed.join(', ')} failed`);
  if (fault) {
    const target = fault.path;
    const hit = run.emulator.requests.some((r) => r.method === target.method && r.host === target.host && new RegExp(target.rule, 'i').test(r.path));
    if (!hit) {
      const kube = evidence.kube;
      const path =
        kube.state === 'ok' ? ` (pod evidence came through ${kube.value.via}${kube.value.viaReason ? `: ${kube.value.viaReason}` : ''})` : '';
      out.push(`${label}: the faulted path was never requested${path}`);
    }
    // No other read has a second source: the fault must surface as a failed read the clean run did not have.
    const added = failedReads(evidence).filter((f) => !fault.cleanFailures.includes(f));
    if (hit && added.length === 0 && target.cleanStatus < 400 && !mayLeaveEveryReadOk(fault.kind, target, evidence.image.state !== 'skipped')) {
      out.push(`${label}: the fault left no failed read (verdict ${report.verdict})`);
    }
  }
  return out;
}

interface CleanRun {
  paths: ReadPath[];
  /** Reads that fail even without a fault (e.g. the bot cannot reach a private-only registry's data plane). */
  failures: string[];
  verdict: string;
}

async function sweep(source: Scenario, clean: CleanRun, kind: (typeof FAULT_KINDS)[number]): Promise<string[]> {
  const paths = clean.paths;
  const runs = await Promise.all(
    paths.map(async (p) => {
      const run = await triageScenario(source, { faults: [kind.fault(p.method, p.rule)], ...SWEEP_DEADLINES });
      try {
        return violations(`${source.name} · ${kind.kind} on ${p.method} ${p.host}${p.path}`, run, {
          kind: kind.kind,
          path: p,
          cleanFailures: clean.failures,
        });
      } finally {
        await run.emulator.close();
      }
    }),
  );
  return runs.flat();
}

describe('the dependency map itself', () => {
  it('flags a pass on failed evidence and a healthy verdict that overlooks it, and stays quiet on the baseline', () => {
    const clean = healthyEvidence();
    const cleanReport = judge(clean, { complete: true });
    expect(passesOnUnreadableEvidence(clean, cleanReport.findings)).toEqual([]);
    expect(failedReadsNeeded(clean)).toEqual([]);

    const broken: Evidence = { ...clean, vmss: failed({ kind: 'forbidden', status: 403, message: 'Could not read the scale sets.' }) };
    const claimed = [{ check: 'identity.kubelet-on-nodes' as const, status: 'pass' }];
    expect(passesOnUnreadableEvidence(broken, claimed)).toEqual([
      'identity.kubelet-on-nodes: pass although vmss failed (Could not read the scale sets.)',
    ]);
    expect(failedReadsNeeded(broken)).toEqual(['vmss']);
    // And the real check does not make that claim.
    expect(judge(broken, { complete: true }).findings.find((f) => f.check === 'identity.kubelet-on-nodes')?.status).toBe('unknown');
  });
});

describe('scenarios that carry faults', () => {
  const faulted = SCENARIOS.filter((s) => (s.faults ?? []).length > 0);
  it('there are some', () => expect(faulted.length).toBeGreaterThanOrEqual(3));
  it.each(faulted.map((s) => [s.name, s] as const))('%s: no pass on unreadable evidence, never healthy after a failed read', async (_name, s) => {
    const run = await triageScenario(s);
    try {
      expect(violations(s.name, run)).toEqual([]);
    } finally {
      await run.emulator.close();
    }
  });
});

describe.each(SWEPT_SCENARIOS)('generated faults on every read path of %s', (name) => {
  const source = scenario(name);
  let clean: CleanRun = { paths: [], failures: [], verdict: '' };

  beforeAll(async () => {
    const run = await triageScenario(source);
    clean = { paths: readPathsOf(run.emulator.requests), failures: failedReads(run.result.evidence), verdict: run.result.report.verdict };
    await run.emulator.close();
  });

  it('the clean run (the baseline) reaches the expected verdict with several distinct reads', () => {
    expect(clean.verdict).toBe(source.expect.verdict);
    expect(clean.paths.length).toBeGreaterThanOrEqual(8);
    if (source.expect.verdict === 'healthy') expect(clean.failures).toEqual([]);
  });

  it.each(FAULT_KINDS.map((k) => [k.kind, k] as const))(
    '%s on each path, one at a time',
    async (_kind, kind) => {
      expect(await sweep(source, clean, kind)).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );
});
