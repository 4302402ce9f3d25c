/**
 * Acceptance: every scenario of the library, through the real SDK clients against the in-process ARM
 * emulator, reaches the verdict and the statuses its `expect` names.
 */
import { SCENARIOS } from '../../src/simulator/scenarios/index';
import type { ArmEmulator } from '../../src/simulator/emulator';
import { triageScenario } from '../support/scenario-engine';

let emulator: ArmEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('every scenario reaches its expected verdict and statuses', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const run = await triageScenario(scenario);
    emulator = run.emulator;
    const { report } = run.result;
    const statuses = Object.fromEntries(report.findings.map((f) => [f.check, f.status]));
    const expected = Object.fromEntries(Object.entries(scenario.expect.statuses).map(([check]) => [check, statuses[check]]));
    // Compared as objects so a failure shows every mismatching check at once, with the finding text below.
    expect({ verdict: report.verdict, ...expected }).toEqual({ verdict: scenario.expect.verdict, ...scenario.expect.statuses });
    expect(report.complete).toBe(true);
  });
});
