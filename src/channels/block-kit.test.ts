import { auditBlocks, askBlocks, escapeMrkdwn, findingsBlocks, fitText, helpBlocks, noticeBlocks, progressBlocks } from './block-kit';
import { toAskView, toAuditView, toHelpView, toProgressView } from './view-model';
import { blockProblems, blocksText, buttonsOf } from '../../test/e2e/block-assertions';
import { APPROVALS, acrPullPlan, healthySnapshot, hugeSnapshot, incompleteSnapshot, missingRoleSnapshot } from '../../test/e2e/report-fixtures';
import { KUBELET_OBJECT_ID, REGISTRY_ID } from '../../test/fixtures/evidence';
import { parseTarget } from '../triage/target';

const plan = acrPullPlan();

const gallery = () =>
  [
    ['missing role, pending', findingsBlocks(missingRoleSnapshot(), { plan, approval: APPROVALS.pending })],
    ['missing role, pods still loading', findingsBlocks(missingRoleSnapshot(false))],
    ...Object.keys(APPROVALS).map(
      (state) => [`missing role, ${state}`, findingsBlocks(missingRoleSnapshot(), { plan, approval: APPROVALS[state] })] as const,
    ),
    ['incomplete', findingsBlocks(incompleteSnapshot())],
    ['healthy', findingsBlocks(healthySnapshot())],
    ['huge, pending', findingsBlocks(hugeSnapshot(), { plan, approval: APPROVALS.pending })],
    ['progress', progressBlocks(toProgressView(parseTarget({ cluster: 'aks-prod', registry: 'myacr.azurecr.io/shop/api:1.4.2' })))],
    ['help', helpBlocks(toHelpView({ welcome: false, demo: true }))],
    ['ask', askBlocks(toAskView('registry', { known: 'aks-prod', error: 'Registry names are 5-50 letters or digits: "my_acr!"' }))],
    [
      'refusal',
      noticeBlocks({
        title: 'Not approved — nothing was changed',
        text: 'Nick is not an approver, so AcrPull was not granted to aks-prod-agentpool on myacr.',
        tone: 'attention',
      }),
    ],
    [
      'audit',
      auditBlocks(
        toAuditView(
          Array.from({ length: 40 }, (_, i) => ({ at: `2026-11-28T12:${String(i).padStart(2, '0')}:00Z`, kind: 'triage', summary: 'x'.repeat(390) })),
          40,
        ),
      ),
    ],
  ] as const;

describe('Block Kit renderer', () => {
  test.each(gallery().map(([name, message]) => [name, message] as const))('%s stays within Slack limits', (_name, message) => {
    expect(blockProblems(message)).toEqual([]);
  });

  test('the only button is grant, its value the approval id alone — and only while pending', () => {
    const pending = findingsBlocks(missingRoleSnapshot(), { plan, approval: APPROVALS.pending });
    expect(buttonsOf(pending)).toEqual([{ action_id: 'grant', value: APPROVALS.pending.id }]);
    for (const state of ['approved', 'granted', 'forbidden', 'expired']) {
      expect(buttonsOf(findingsBlocks(missingRoleSnapshot(), { plan, approval: APPROVALS[state] }))).toEqual([]);
    }
    for (const [, message] of gallery()) {
      for (const b of buttonsOf(message)) {
        expect(b.value).not.toContain(KUBELET_OBJECT_ID);
        expect(b.value).not.toContain(REGISTRY_ID);
      }
    }
  });

  test('the grant section shows principal → role → scope, and the button asks for confirmation', () => {
    const message = findingsBlocks(missingRoleSnapshot(), { plan, approval: APPROVALS.pending });
    const text = blocksText(message);
    expect(text).toContain(`*Principal:* aks-prod-agentpool (\`${KUBELET_OBJECT_ID}\``);
    expect(text).toContain('*Role:* AcrPull');
    expect(text).toContain(`\`${REGISTRY_ID}\``);
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements[0].confirm?.text.text).toContain('*AcrPull* for *aks-prod-agentpool* on *myacr*');
  });

  test('findings: verdict header, problems with evidence, fix and command in a code block, others as context', () => {
    const message = findingsBlocks(missingRoleSnapshot());
    expect(message.blocks[0]).toEqual({ type: 'header', text: expect.objectContaining({ text: expect.stringContaining('❌') }) });
    const text = blocksText(message);
    expect(text).toContain('`rbac.pull-role`');
    expect(text).toContain('*Fix:* Grant AcrPull');
    expect(text).toContain('```az role assignment create');
    const others = message.blocks.filter((b) => b.type === 'context' && b.elements.some((e) => e.text.startsWith('*Other checks:*')));
    expect(others).toHaveLength(1);
  });

  test('after the grant: Slack wording, advice as prose, commands as code', () => {
    const text = blocksText(findingsBlocks(missingRoleSnapshot(), { plan, approval: APPROVALS.granted }));
    expect(text).toContain('Say "check again"');
    expect(text).not.toContain('Press "Check again"');
    expect(text).toMatch(/delete it to retry now:\n```kubectl delete pod -n shop \S+```\nor restart their workload:\n```kubectl rollout restart/);
    expect(text).toMatch(/\*Other checks:\* ✅/);
  });

  test('a report too big for one message says what it left out instead of dropping it', () => {
    const message = findingsBlocks(hugeSnapshot(), { plan, approval: APPROVALS.pending });
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(blocksText(message)).toMatch(/more characters cut|more findings? not shown/);
    expect(buttonsOf(message)).toEqual([{ action_id: 'grant', value: APPROVALS.pending.id }]);
  });

  test('Azure text cannot become Slack markup; fit keeps the clip note inside the limit', () => {
    expect(escapeMrkdwn('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    const long = 'word '.repeat(1000);
    const fitted = fitText(long, 3000);
    expect(fitted.length).toBeLessThanOrEqual(3000);
    expect(fitted).toContain('more characters cut');
    expect(fitText('short', 3000)).toBe('short');
  });
});
