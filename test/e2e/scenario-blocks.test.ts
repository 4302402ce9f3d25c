/**
 * Every scenario's real report (engine on the ARM emulator) through the Block Kit renderer, in every
 * approval state: within Slack's limits, the grant section naming exactly the plan, and the only button
 * value an approval id.
 */
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { findingsBlocks, progressBlocks } from '../../src/channels/block-kit';
import { snapshotOf, toProgressView, type ApprovalSnapshot } from '../../src/channels/view-model';
import { createEmulator } from '../../src/simulator/emulator';
import { SCENARIOS } from '../../src/simulator/scenarios';
import { planGrant } from '../../src/triage/remediation';
import { parseTarget } from '../../src/triage/target';
import { blockProblems, blocksText, buttonsOf } from './block-assertions';

const ID = 'Yx3kq0cXb2l1v9nQm4rT8wYx3kq0cXb2';
const base = { id: ID, expiresAt: '2026-11-28T13:00:00.000Z', requester: { id: 'U1', name: 'Rita' } };
const STATES: ApprovalSnapshot[] = [
  { ...base, state: 'pending' },
  { ...base, state: 'approved', approvedBy: { id: 'U123', name: 'Ana' }, approvedAt: '2026-11-28T12:03:00.000Z' },
  { ...base, state: 'expired' },
];

test.each(SCENARIOS.map((s) => [s.name, s] as const))('%s renders as Block Kit within Slack limits', async (_name, scenario) => {
  const emulator = createEmulator({ world: scenario.world, faults: scenario.faults });
  try {
    const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
    const engine = createTriageEngine({ clients, readDeadlineMs: 3_000, podPollIntervalMs: 10 });
    const target = parseTarget(scenario.target);
    expect(blockProblems(progressBlocks(toProgressView(target)))).toEqual([]);
    const result = await engine.triage(target);
    const snapshot = snapshotOf(result);
    const plan = planGrant(result.evidence, result.report.findings);
    const plain = findingsBlocks(snapshot);
    expect(blockProblems(plain)).toEqual([]);
    expect(buttonsOf(plain)).toEqual([]);
    for (const f of result.report.findings.filter((x) => x.status === 'fail' || x.status === 'unknown'))
      expect(blocksText(plain)).toContain(`\`${f.check}\``);
    if (!plan) return;
    for (const approval of STATES) {
      const message = findingsBlocks(snapshot, { plan, approval });
      expect(blockProblems(message)).toEqual([]);
      const text = blocksText(message);
      expect(text).toContain(plan.principalId);
      expect(text).toContain(plan.scope);
      expect(buttonsOf(message)).toEqual(approval.state === 'pending' ? [{ action_id: 'grant', value: ID }] : []);
    }
  } finally {
    await emulator.close();
  }
});
