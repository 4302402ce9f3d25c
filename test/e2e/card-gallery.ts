/** Every card the bot can send, built from the report fixtures: validated by unit tests, rendered to PNG by card-render. */
import { askCard, auditCard, findingsCard, helpCard, noticeCard, progressCard, type CardJson } from '../../src/channels/adaptive-card';
import { toAskView, toAuditView, toHelpView, toProgressView } from '../../src/channels/view-model';
import { readPaste } from '../../src/triage/paste';
import { DESCRIBE_POD } from '../fixtures/pastes';
import { APPROVALS, acrPullPlan, healthySnapshot, hugeSnapshot, incompleteSnapshot, missingRoleSnapshot } from './report-fixtures';

export function cardGallery(): { name: string; card: CardJson }[] {
  const plan = acrPullPlan();
  const target = missingRoleSnapshot().report.target;
  const cards: { name: string; card: CardJson }[] = [
    { name: 'progress', card: progressCard(toProgressView(target)) },
    { name: 'findings-partial', card: findingsCard(missingRoleSnapshot(false)) },
    { name: 'findings-healthy', card: findingsCard(healthySnapshot()) },
    { name: 'findings-incomplete', card: findingsCard(incompleteSnapshot()) },
    { name: 'findings-huge', card: findingsCard(hugeSnapshot()) },
    {
      name: 'findings-pasted',
      card: findingsCard({ ...missingRoleSnapshot(), pasted: readPaste(DESCRIBE_POD).errors }, { plan, approval: APPROVALS.pending }),
    },
    { name: 'ask-cluster', card: askCard(toAskView('cluster', { known: 'myacr' })) },
    {
      name: 'ask-cluster-after-paste',
      card: askCard(
        toAskView('cluster', {
          known: 'acrdemo.azurecr.io/shop/api:1.4.2',
          understood: "From your paste (acrdemo.azurecr.io/shop/api:1.4.2): The registry refused the node's credentials.",
        }),
      ),
    },
    {
      name: 'ask-registry-error',
      card: askCard(toAskView('registry', { known: 'aks-prod', error: '"my_acr" is not a registry name: use 5–50 letters and digits.' })),
    },
    { name: 'welcome', card: helpCard(toHelpView({ welcome: true, demo: true })) },
    { name: 'help', card: helpCard(toHelpView({ welcome: false, demo: false })) },
    {
      name: 'refusal',
      card: noticeCard({ title: 'Not approved', text: 'Only approvers can grant roles. Your press changed nothing.', tone: 'attention' }),
    },
    {
      name: 'approval-accepted',
      card: noticeCard({ title: 'Approved by Ana Approver — granting', text: 'Granting AcrPull to aks-prod-agentpool on myacr.', tone: 'good' }),
    },
    {
      name: 'audit',
      card: auditCard(
        toAuditView(
          [
            { at: '2026-11-28T12:00:00.000Z', kind: 'triage', actor: { id: '29:r', name: 'Rita Requester' }, summary: 'problems: rbac.pull-role' },
            {
              at: '2026-11-28T12:03:04.000Z',
              kind: 'grant',
              actor: { id: '29:a', name: 'Ana Approver' },
              assignmentId: 'abc',
              approvalId: 'Yx3kq0cXb2l1v9nQm4rT8w',
            },
          ],
          10,
        ),
      ),
    },
  ];
  for (const [state, approval] of Object.entries(APPROVALS)) {
    cards.push({ name: `findings-grant-${state}`, card: findingsCard(missingRoleSnapshot(), { plan, approval, refreshUserIds: ['29:1approver'] }) });
  }
  return cards;
}
