/**
 * With pods off (`--no-pods`, TRIAGE_PODS=false) no scenario sends a run command, and the checks that only
 * pod evidence can answer say `skip` with the reason instead of passing or guessing. One deliberate
 * exception (failing-pods.ts podView): on a cluster whose ARM state says run command is disabled they say
 * `unknown` and name that, because pods could not have been read even if asked — stricter, never a pass.
 */
import { SCENARIOS } from '../../src/simulator/scenarios/index';
import type { ArmEmulator } from '../../src/simulator/emulator';
import type { CheckId } from '../../src/triage/report';
import { PODS_OFF } from '../../src/azure/gather';
import { isRunCommand, nonReads } from '../support/request-audit';
import { triageScenario } from '../support/scenario-engine';

/** Checks whose only evidence is what run command reads inside the cluster. */
const POD_ONLY_CHECKS: CheckId[] = ['pods.pull-errors', 'pods.pull-secrets'];

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('pods off', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: no run command, pod checks skip with the reason', async (_name, scenario) => {
    const run = await triageScenario(scenario, { pods: false });
    emulator = run.emulator;
    const { report, evidence } = run.result;
    expect(run.emulator.requests.filter(isRunCommand).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(nonReads(run.emulator.requests)).toEqual([]);
    expect(evidence.kube.state).toBe('skipped');
    for (const check of POD_ONLY_CHECKS) {
      const finding = report.findings.find((f) => f.check === check);
      const runCommandDisabled = evidence.cluster.state === 'ok' && evidence.cluster.value.apiServer.disableRunCommand;
      expect({ check, status: finding?.status }).toEqual({ check, status: runCommandDisabled ? 'unknown' : 'skip' });
      if (runCommandDisabled) expect(finding!.evidence).toContain('disableRunCommand');
      else expect(finding!.evidence.toLowerCase()).toContain(PODS_OFF.toLowerCase());
    }
    expect(report.complete).toBe(true);
  });
});
