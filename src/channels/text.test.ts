import { findingsText, helpText } from './text';
import { toHelpView } from './view-model';
import { APPROVALS, acrPullPlan, missingRoleSnapshot } from '../../test/e2e/report-fixtures';
import { REGISTRY_ID } from '../../test/fixtures/evidence';
import { KUBELET_EVENT } from '../../test/fixtures/pastes';
import { readPaste } from '../triage/paste';

describe('text renderer', () => {
  test('findings as plain text: problem first, its fix and command, the grant, portal links', () => {
    const text = findingsText(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.granted });
    const lines = text.split('\n');
    expect(lines[0]).toBe('❌ aks-prod → myacr');
    expect(lines[1]).toBe(
      '→ No role assignment grants pull on myacr to aks-prod-agentpool (9c2e5f10-0000-4000-8000-00000000a001) — see the AcrPull grant below.',
    );
    expect(lines[2]).toMatch(/^Problems found — 2 failed · 22 passed · 1 not applicable$/);
    expect(text).toMatch(/❌ FAIL The pulling identity holds a pull role on the registry \[rbac\.pull-role\]\n {2}No role assignment grants pull/);
    expect(text).toContain(`  scope:     ${REGISTRY_ID}`);
    expect(text).toContain('kubectl delete pod -n shop api-7d9c-abcde');
    expect(text).toContain(`Registry myacr: https://portal.azure.com/#@/resource${REGISTRY_ID}`);
  });

  test('the az command is printed once (the grant offer carries it, the failed finding does not repeat it)', () => {
    const text = findingsText(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.pending });
    expect(text.split('az role assignment create').length - 1).toBe(1);
  });

  test("times are shown in the reader's zone, not as ISO strings", () => {
    const text = findingsText(missingRoleSnapshot(), { timeZone: 'Asia/Tokyo' });
    expect(text).toContain('Evidence read at 28 Nov 2026, 21:00 GMT+9');
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  test('a pasted error leads: what it means, then which findings confirm or rule out its causes', () => {
    const pasted = readPaste(KUBELET_EVENT).errors;
    const text = findingsText({ ...missingRoleSnapshot(), pasted });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/^What the pasted error means: The registry refused the node's credentials/);
    expect(lines[2]).toMatch(/^→ No role assignment grants pull on myacr/);
    expect(text).toMatch(/🔴 confirms — The pulling identity holds a pull role on the registry \[rbac\.pull-role\]/);
    expect(text).toMatch(/⚪ rules out — .* \[identity\.kubelet\]/);
  });

  test('non-verbose text leaves out passed checks', () => {
    expect(findingsText(missingRoleSnapshot(), { verbose: false })).not.toContain('Other checks:');
  });

  test('help text lists the commands', () => {
    expect(helpText(toHelpView({ welcome: false, demo: true }))).toMatch(/^Demo mode: Azure is simulated\.\ncheck <cluster> <registry>/);
  });
});
