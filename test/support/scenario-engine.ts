/**
 * One triage of a scenario through the real SDK clients against the in-process ARM emulator, with deadlines
 * short enough that a whole-library sweep stays fast (a hang costs one read deadline, not a minute).
 */
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { Fault, Scenario, World } from '../../src/simulator/scenario';
import type { TriageResult } from '../../src/triage/engine';
import { parseTarget } from '../../src/triage/target';

/** Per-read ARM deadline: well above the emulator's answer time, well below jest's timeout. */
export const READ_DEADLINE_MS = 1500;
export const POD_DEADLINE_MS = 2500;

export interface ScenarioRun {
  emulator: ArmEmulator;
  result: TriageResult;
  elapsedMs: number;
}

/** A structured copy, so one test's faults or grant never leak into another test's world. */
export function freshWorld(world: World): World {
  return structuredClone(world);
}

export async function triageScenario(
  scenario: Scenario,
  options: { faults?: Fault[]; pods?: boolean; world?: World; readDeadlineMs?: number; podDeadlineMs?: number } = {},
): Promise<ScenarioRun> {
  const emulator = createEmulator({ world: options.world ?? freshWorld(scenario.world), faults: options.faults ?? scenario.faults ?? [] });
  const clients = createAzureClients({
    credential: emulator.credential,
    endpoint: emulator.endpoint,
    // Production retry policy on purpose: aks-throttled relies on it, and the read deadline bounds it.
    httpClient: emulator.httpClient,
  });
  const engine = createTriageEngine({
    clients,
    readDeadlineMs: options.readDeadlineMs ?? READ_DEADLINE_MS,
    podDeadlineMs: options.podDeadlineMs ?? POD_DEADLINE_MS,
    podPollIntervalMs: 20,
  });
  const started = Date.now();
  try {
    const result = await engine.triage(parseTarget(scenario.target), { pods: options.pods ?? true });
    return { emulator, result, elapsedMs: Date.now() - started };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}
