/**
 * The command line as a person runs it: `node dist/src/cli.js` in its own process, against the ARM
 * emulator over HTTPS, with nothing but the emulator's managed-identity environment (IDENTITY_ENDPOINT,
 * IDENTITY_HEADER, AZURE_RESOURCE_MANAGER_ENDPOINT, NODE_EXTRA_CA_CERTS) and PATH. DefaultAzureCredential
 * has to pick the managed identity on its own; nothing in src/ knows it is being tested.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { Scenario } from '../../src/simulator/scenario';
import { scenario } from '../../src/simulator/scenarios/index';
import { ensureBuilt, runCliProcess, type CliResult } from '../support/cli-process';
import { nonReads } from '../support/request-audit';

/** AcrPull (docs/domain.md#registry-modes-and-pull-roles): the role the plan must grant on a legacy-mode registry. */
const ACR_PULL = '7f951dda-4ed3-4680-a7ca-43fe172d538d';

let home: string;
let emulator: ArmEmulator | undefined;

beforeAll(() => {
  ensureBuilt();
  home = mkdtempSync(join(tmpdir(), 'triage-cli-home-'));
}, 120_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function serve(s: Scenario): Promise<ArmEmulator> {
  emulator = await startEmulator({ world: structuredClone(s.world), faults: s.faults ?? [] });
  return emulator;
}

/** The emulator's identity environment, PATH, and a HOME with no `az login` in it. */
function envFor(e: ArmEmulator): Record<string, string> {
  return { ...e.childEnv(), HOME: home };
}

function targetArgs(s: Scenario): string[] {
  return ['--cluster', s.target.cluster, '--registry', s.target.registry];
}

interface JsonReport {
  verdict: string;
  findings: { check: string; status: string; evidence: string }[];
}

function jsonOf(result: CliResult): JsonReport {
  try {
    return JSON.parse(result.stdout) as JsonReport;
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

const statusOf = (report: JsonReport, check: string) => report.findings.find((f) => f.check === check)?.status;

function usedManagedIdentity(e: ArmEmulator): boolean {
  return e.requests.some((r) => r.path === '/msi/token' && r.status === 200);
}

describe('check in its own process', () => {
  it('a broken cluster: exit 1, JSON findings naming the failing check, nothing written', async () => {
    const s = scenario('aks-missing-role');
    const e = await serve(s);
    const result = await runCliProcess(['check', ...targetArgs(s), '--format', 'json'], envFor(e));
    const report = jsonOf(result);
    expect({ code: result.code, verdict: report.verdict, pullRole: statusOf(report, 'rbac.pull-role') }).toEqual({
      code: 1,
      verdict: 'problems',
      pullRole: 'fail',
    });
    expect(report.findings.find((f) => f.check === 'rbac.pull-role')!.evidence).toContain('aks-missing-role');
    expect(usedManagedIdentity(e)).toBe(true);
    expect(nonReads(e.requests)).toEqual([]);
  }, 40_000);

  it('a healthy cluster: exit 0', async () => {
    const s = scenario('aks-healthy');
    const e = await serve(s);
    const result = await runCliProcess(['check', ...targetArgs(s), '--format', 'json'], envFor(e));
    expect({ code: result.code, verdict: jsonOf(result).verdict }).toEqual({ code: 0, verdict: 'healthy' });
    expect(usedManagedIdentity(e)).toBe(true);
    expect(nonReads(e.requests)).toEqual([]);
  }, 40_000);

  it('by cluster alone: exit 1, the failing registry found from the pods and triaged, nothing written', async () => {
    const s = scenario('aks-missing-role');
    const e = await serve(s);
    const result = await runCliProcess(['check', '--cluster', 'aks-missing-role', '--format', 'json'], envFor(e));
    const out = JSON.parse(result.stdout) as { verdict: string; summary: string; registries: { registry: string; report: { verdict: string } }[] };
    expect({ code: result.code, verdict: out.verdict, registries: out.registries.map((r) => [r.registry, r.report.verdict]) }).toEqual({
      code: 1,
      verdict: 'problems',
      registries: [['acrdemo.azurecr.io', 'problems']],
    });
    expect(out.summary).toMatch(/^Failing to pull from acrdemo.azurecr.io \(3 containers, problems\)/);
    expect(nonReads(e.requests)).toEqual([]);
  }, 40_000);

  it('by cluster alone on a healthy cluster: exit 0, no pod is failing to pull', async () => {
    const e = await serve(scenario('aks-healthy'));
    const result = await runCliProcess(['check', '--cluster', 'aks-healthy'], envFor(e));
    expect({ code: result.code, first: result.stdout.split('\n')[0] }).toEqual({
      code: 0,
      first: expect.stringMatching(/^No pod is failing to pull: 6 pods and 0 events read on aks-healthy/),
    });
  }, 40_000);

  it('a cluster whose role assignments cannot be read: exit 3, rbac.pull-role unknown', async () => {
    const s = scenario('aks-rbac-forbidden');
    const e = await serve(s);
    const result = await runCliProcess(['check', ...targetArgs(s), '--format', 'json'], envFor(e));
    const report = jsonOf(result);
    expect({ code: result.code, verdict: report.verdict, pullRole: statusOf(report, 'rbac.pull-role') }).toEqual({
      code: 3,
      verdict: 'incomplete',
      pullRole: 'unknown',
    });
  }, 40_000);

  it('no credential at all: exit 2 with what to do, no stack trace', async () => {
    const s = scenario('aks-healthy');
    const result = await runCliProcess(['check', ...targetArgs(s)], { HOME: home });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: No Azure credential works here/m);
    expect(result.stderr).toContain('az login');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  }, 60_000);
});

describe('grant in its own process', () => {
  it('without --yes prints the plan and writes nothing; with --yes writes one AcrPull assignment, after which check passes', async () => {
    const s = scenario('aks-missing-role');
    const e = await serve(s);
    const cluster = e.world.resources.find(
      (r) => r.type.toLowerCase() === 'microsoft.containerservice/managedclusters' && r.name === s.target.cluster,
    )!;
    const kubeletObjectId = (cluster.properties!.identityProfile as Record<string, { objectId: string }>).kubeletidentity!.objectId;
    const registry = e.world.resources.find(
      (r) => r.type.toLowerCase() === 'microsoft.containerregistry/registries' && r.name === s.target.registry,
    )!;

    const dryRun = await runCliProcess(['grant', ...targetArgs(s)], envFor(e));
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(`Plan: grant AcrPull on registry ${registry.name}`);
    expect(dryRun.stdout).toContain(kubeletObjectId);
    expect(dryRun.stdout).toContain('Nothing was written');
    expect(e.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(nonReads(e.requests)).toEqual([]);

    e.clearRequests();
    const granted = await runCliProcess(['grant', ...targetArgs(s), '--yes'], envFor(e));
    expect(granted.code).toBe(0);
    expect(granted.stdout).toMatch(/Created role assignment \/subscriptions\//);
    const puts = e.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    const put = puts[0]!;
    expect(put.path.toLowerCase()).toMatch(
      new RegExp(`^${registry.id.toLowerCase().replace(/[.]/g, '\\.')}/providers/microsoft\\.authorization/roleassignments/[0-9a-f-]{36}$`),
    );
    expect(put.status).toBeLessThan(300);
    const properties = (put.body as { properties: Record<string, string> }).properties;
    expect(properties.roleDefinitionId.toLowerCase().endsWith(`/roledefinitions/${ACR_PULL}`)).toBe(true);
    expect(properties.principalId).toBe(kubeletObjectId);
    expect(properties.principalType).toBe('ServicePrincipal');

    // The emulator's pods keep the ErrImagePull they were recorded with (a real kubelet would retry), so the
    // check after the grant reads ARM only.
    const after = await runCliProcess(['check', ...targetArgs(s), '--no-pods', '--format', 'json'], envFor(e));
    const report = jsonOf(after);
    expect({ code: after.code, verdict: report.verdict, pullRole: statusOf(report, 'rbac.pull-role') }).toEqual({
      code: 0,
      verdict: 'healthy',
      pullRole: 'pass',
    });
  }, 90_000);
});
