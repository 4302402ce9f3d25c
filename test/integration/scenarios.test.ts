/**
 * Acceptance: every scenario of the library, through the real SDK clients against the in-process ARM
 * emulator, reaches the verdict and the statuses its `expect` names — and `check` only read while doing it.
 */
import { SCENARIOS } from '../../src/simulator/scenarios/index';
import type { ArmEmulator } from '../../src/simulator/emulator';
import { nonReads, readOnlyPostKind } from '../support/request-audit';
import { triageScenario } from '../support/scenario-engine';
import { planGrant } from '../../src/triage/grant-plan';

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('every scenario reaches its expected verdict and statuses, reading only', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const run = await triageScenario(scenario);
    emulator = run.emulator;
    const { report } = run.result;
    const statuses = Object.fromEntries(report.findings.map((f) => [f.check, f.status]));
    const expected = Object.fromEntries(Object.keys(scenario.expect.statuses).map((check) => [check, statuses[check]]));
    // Compared as one object so a failure shows every mismatching check at once.
    expect({ verdict: report.verdict, ...expected }).toEqual({ verdict: scenario.expect.verdict, ...scenario.expect.statuses });
    expect(report.complete).toBe(true);

    // No PUT, PATCH or DELETE; every POST is a Resource Graph query, the read-only run command, or an ACR
    // token exchange on the registry's own host (which reads a token, it changes nothing).
    const requests = run.emulator.requests;
    expect(requests.length).toBeGreaterThan(0);
    expect(nonReads(requests)).toEqual([]);
    expect(requests.filter((r) => r.method === 'POST').every((r) => readOnlyPostKind(r) !== undefined)).toBe(true);
  });
});

describe('the move from a service principal to managed identity (node pools not upgraded)', () => {
  it('plans the grant for the service principal the nodes still pull with, not the new kubelet identity', async () => {
    const scenario = SCENARIOS.find((s) => s.name === 'aks-sp-migrating');
    if (!scenario) throw new Error('scenario aks-sp-migrating is missing');
    const run = await triageScenario(scenario);
    emulator = run.emulator;
    const plan = planGrant(run.result.evidence, run.result.report.findings);
    const sp = run.result.evidence.servicePrincipal;
    expect(sp.state).toBe('ok');
    expect(plan?.principalId).toBe(sp.state === 'ok' ? sp.value.objectId : 'no service principal read');
    const cluster = run.result.evidence.cluster;
    expect(plan?.principalId).not.toBe(cluster.state === 'ok' ? cluster.value.kubeletIdentity?.objectId : undefined);
  });
});
