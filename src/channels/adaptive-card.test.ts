import { findingsCard, cardBytes, helpCard, MAX_CARD_BYTES } from './adaptive-card';
import { cardGallery } from '../../test/e2e/card-gallery';
import { cardProblems, executeData } from '../../test/e2e/card-assertions';
import { APPROVALS, acrPullPlan, hugeSnapshot, missingRoleSnapshot } from '../../test/e2e/report-fixtures';
import { KUBELET_OBJECT_ID, REGISTRY_ID } from '../../test/fixtures/evidence';
import { toHelpView } from './view-model';

describe('adaptive card renderer', () => {
  test.each(cardGallery().map((c) => [c.name, c.card] as const))('%s is a valid, fully expanded 1.5 card under 28 KB', (_name, card) => {
    expect(cardProblems(card)).toEqual([]);
  });

  test('buttons carry only an approval id or an action name — never a principal, role or scope', () => {
    for (const { card } of cardGallery()) {
      for (const data of executeData(card)) {
        const keys = Object.keys(data).sort();
        expect([['approvalId'], ['action']]).toContainEqual(keys);
        const json = JSON.stringify(data);
        expect(json).not.toContain(KUBELET_OBJECT_ID);
        expect(json).not.toContain(REGISTRY_ID);
      }
    }
  });

  test('the grant button is on the base card only while the approval is pending', () => {
    const plan = acrPullPlan();
    const verbs = (state: keyof typeof APPROVALS) =>
      executeData(findingsCard(missingRoleSnapshot(), { plan, approval: APPROVALS[state] })).map((d) => d.approvalId ?? d.action);
    expect(verbs('pending')).toEqual([APPROVALS.pending.id, 'check-again']);
    for (const state of ['approved', 'granted', 'forbidden', 'expired'] as const) expect(verbs(state)).toEqual(['check-again']);
  });

  test('refresh names the approvers and the approval, and is absent without a grant offer', () => {
    const card = findingsCard(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.pending, refreshUserIds: ['29:1a', '29:1b'] });
    expect(card.refresh).toEqual({
      action: { type: 'Action.Execute', title: 'Refresh', verb: 'refresh', data: { approvalId: APPROVALS.pending.id } },
      userIds: ['29:1a', '29:1b'],
    });
    expect(findingsCard(missingRoleSnapshot(), { refreshUserIds: ['29:1a'] }).refresh).toBeUndefined();
  });

  test('the grant section shows exactly principal, role and scope', () => {
    const json = JSON.stringify(findingsCard(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.pending }));
    expect(json).toContain(`**Principal:** aks-prod-agentpool (${KUBELET_OBJECT_ID}, ServicePrincipal)`);
    expect(json).toContain('**Role:** AcrPull (7f951dda-4ed3-4680-a7ca-43fe172d538d)');
    expect(json).toContain(`**Scope:** registry myacr — ${REGISTRY_ID}`);
  });

  test('after the grant the card says who approved, the assignment, the verification and what to do about stuck pods', () => {
    const json = JSON.stringify(findingsCard(missingRoleSnapshot(), { plan: acrPullPlan(), approval: APPROVALS.granted }));
    // Times are formatted by the client, in the reader's zone.
    expect(json).toContain('Approved by Ana Approver at {{DATE(2026-11-28T12:03:00Z, SHORT)}} {{TIME(2026-11-28T12:03:00Z)}}');
    expect(json).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    expect(json).toContain('roleAssignments/0b8e0000-0000-4000-8000-000000000042');
    expect(json).toContain('**Verification:** Visible on the registry');
    expect(json).toContain('kubectl delete pod -n shop api-7d9c-abcde');
  });

  test('a report far above the limit is cut to fit, and says it was cut', () => {
    const snapshot = hugeSnapshot();
    expect(JSON.stringify(snapshot.report).length).toBeGreaterThan(MAX_CARD_BYTES * 4);
    const card = findingsCard(snapshot);
    expect(cardBytes(card)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(JSON.stringify(card)).toContain('more characters cut');
    expect(cardProblems(card)).toEqual([]);
  });

  test('long evidence sits in wrapping TextBlocks, never in FactSets', () => {
    for (const { card } of cardGallery()) expect(JSON.stringify(card)).not.toContain('"FactSet"');
  });
});

describe('help card', () => {
  it('is expanded once per help view and frozen, since every help turn sends the same object', () => {
    const view = toHelpView({ welcome: false, demo: true });
    const card = helpCard(view);
    expect(helpCard(view)).toBe(card);
    expect(Object.isFrozen(card)).toBe(true);
    expect(Object.isFrozen((card.body as object[])[0])).toBe(true);
    expect(JSON.stringify(card)).toContain('check again');
    // Another view (the welcome) is its own card.
    expect(helpCard(toHelpView({ welcome: true, demo: true }))).not.toBe(card);
  });
});
