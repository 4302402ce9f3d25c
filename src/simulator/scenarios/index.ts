/**
 * The scenario library: small Azure worlds, each broken in one realistic way (or healthy in one
 * instructive way), with what a correct triage concludes. Integration tests run each through the real SDK
 * clients against the ARM emulator; the demo mode serves demoWorld(), all of them at once.
 */
import type { Scenario, World } from '../scenario';
import { HEALTHY_SCENARIOS } from './healthy';
import { IDENTITY_SCENARIOS } from './identity';
import { NETWORK_SCENARIOS } from './network';
import { POD_AND_IMAGE_SCENARIOS } from './pods-images';
import { RBAC_SCENARIOS } from './rbac';
import { VISIBILITY_SCENARIOS } from './visibility';
import { mergeWorlds } from './world';

export const SCENARIOS: readonly Scenario[] = [
  ...HEALTHY_SCENARIOS,
  ...RBAC_SCENARIOS,
  ...IDENTITY_SCENARIOS,
  ...NETWORK_SCENARIOS,
  ...POD_AND_IMAGE_SCENARIOS,
  ...VISIBILITY_SCENARIOS,
];

export class UnknownScenarioError extends Error {
  readonly code = 'UnknownScenario';
  constructor(readonly scenarioName: string) {
    super(`No scenario named "${scenarioName}". Known scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    this.name = 'UnknownScenarioError';
  }
}

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new UnknownScenarioError(name);
  return found;
}

/**
 * Every scenario in one world, for the demo. Faults are not part of it (a hang or a 429 would only
 * confuse a newcomer), nor is a world-wide "Resource Graph disabled".
 */
export function demoWorld(): World {
  return mergeWorlds(SCENARIOS.map((s) => s.world));
}

export { CAUSE_FAMILIES } from './causes';
