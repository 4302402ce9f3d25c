import { findingsText, helpText } from './text';
import { toHelpView } from './view-model';
import { APPROVALS, acrPullPlan, missingRoleSnapshot } from '../../test/e2e/report-fixtures';
import { REGISTRY_ID } from '../../test/fixtures/evidence';

describe('text renderer', () => {
  test('findings as plain text: problem first, its fix and command, the grant, portal links', () => {
    const text = findingsText(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.granted });
    const lines = text.split('\n');
    expect(lines[0]).toBe('❌ aks-prod → myacr');
    expect(lines[1]).toMatch(/^Problems found — 2 failed · 22 passed · 1 not applicable$/);
    expect(text).toMatch(/❌ FAIL The pulling identity holds a pull role on the registry \[rbac\.pull-role\]\n {2}No role assignment grants pull/);
    expect(text).toContain(`  scope:     ${REGISTRY_ID}`);
    expect(text).toContain('kubectl delete pod -n shop api-7d9c-abcde');
    expect(text).toContain(`Registry myacr: https://portal.azure.com/#@/resource${REGISTRY_ID}`);
  });

  test('non-verbose text leaves out passed checks', () => {
    expect(findingsText(missingRoleSnapshot(), { verbose: false })).not.toContain('Other checks:');
  });

  test('help text lists the commands', () => {
    expect(helpText(toHelpView({ welcome: false, demo: true }))).toMatch(/^Demo mode: Azure is simulated\.\ncheck <cluster> <registry>/);
  });
});
