import { conclude, firstSentence } from './conclusion';
import type { PastedError } from './paste';
import type { Finding } from './report';

const f = (check: Finding['check'], status: Finding['status'], evidence: string, more: Partial<Finding> = {}): Finding => ({
  check,
  title: `title of ${check}`,
  status,
  evidence,
  ...more,
});

const PLATFORM: PastedError = {
  class: 'platform',
  meaning: "the image has no variant for the node's OS/architecture",
  checks: ['image.platform'],
  excerpt: 'no match for platform in manifest: not found',
};
const UNAUTHORIZED: PastedError = {
  class: 'unauthorized',
  meaning: "the registry refused the node's credentials",
  checks: ['rbac.pull-role', 'identity.kubelet'],
  excerpt: '401 Unauthorized',
};

describe('conclude', () => {
  it('names the failing cause and offers the grant when one is pending', () => {
    const c = conclude(
      [
        f('pods.pull-errors', 'fail', '2 pods fail.'),
        f('rbac.pull-role', 'fail', 'No role assignment grants pull on myacr to aks-prod-agentpool. Checked 1 assignment.'),
      ],
      {
        grant: { role: 'AcrPull', pending: true },
      },
    );
    expect(c).toEqual({
      sentence: 'No role assignment grants pull on myacr to aks-prod-agentpool — an approver can grant AcrPull below.',
      cause: 'rbac.pull-role',
    });
  });

  it("prefers the pasted error's candidate causes, and says which findings confirm or rule them out", () => {
    const c = conclude(
      [
        f('rbac.pull-role', 'pass', 'aks-prod-agentpool holds AcrPull.'),
        f('image.platform', 'fail', 'The image has only linux/arm64; the nodes are linux/amd64.', {
          remediation: 'Build for linux/amd64. Or pin a node pool.',
        }),
        f('network.ip-rules', 'fail', 'IP 1.2.3.4 is not allowed.'),
      ],
      { pasted: [PLATFORM, UNAUTHORIZED] },
    );
    expect(c.cause).toBe('image.platform');
    expect(c.sentence).toBe('The image has only linux/arm64; the nodes are linux/amd64 — build for linux/amd64.');
    expect(c.pasted).toEqual({
      meaning: "The image has no variant for the node's OS/architecture.",
      excerpt: PLATFORM.excerpt,
      candidates: [
        {
          check: 'image.platform',
          title: 'title of image.platform',
          verdict: 'confirms',
          evidence: 'The image has only linux/arm64; the nodes are linux/amd64',
        },
      ],
      others: ["The registry refused the node's credentials."],
    });
  });

  it('rules out candidates that passed and says what could not be checked', () => {
    const c = conclude(
      [
        f('rbac.pull-role', 'pass', 'Holds AcrPull.'),
        f('identity.kubelet', 'unknown', 'Could not read the cluster.', { needs: 'Reader on the cluster.' }),
      ],
      { pasted: [UNAUTHORIZED] },
    );
    expect(c.pasted?.candidates.map((x) => x.verdict)).toEqual(['could not check', 'rules out']);
    expect(c.sentence).toBe('Nothing failed, but 1 check could not see — first title of identity.kubelet: the bot needs Reader on the cluster.');
  });

  it('says so when everything passed — with and without a paste', () => {
    expect(conclude([f('rbac.pull-role', 'pass', 'ok')]).sentence).toMatch(/^No problem found in what was checked/);
    expect(conclude([f('rbac.pull-role', 'pass', 'ok')], { pasted: [UNAUTHORIZED] }).sentence).toMatch(
      /^Every check passed, so the pasted error is not explained/,
    );
  });

  it('keeps the sentence short', () => {
    expect(firstSentence(`${'word '.repeat(100)}.`).length).toBeLessThanOrEqual(220);
    expect(firstSentence('One. Two.')).toBe('One');
    expect(firstSentence('Version 1.4.2 of x is missing. Next.')).toBe('Version 1.4.2 of x is missing');
  });
});
