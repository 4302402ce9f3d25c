/**
 * Markdown injection: Kubernetes event messages are writable by any namespace user and Azure names and
 * descriptions by anyone with write access to a resource; both reach the findings card. A disguised link in
 * them must show as text, never as a link or an image, in Teams (Adaptive Card TextBlock markdown) and in
 * Slack (mrkdwn). The earlier renderer passed such text into TextBlocks unchanged.
 */
import { findingsCard } from '../../src/channels/adaptive-card';
import { findingsBlocks } from '../../src/channels/block-kit';
import { snapshotOf } from '../../src/channels/view-model';
import { CHECKS_BY_ID } from '../../src/triage/checks';
import { CHECK_IDS, verdictOf, type Finding } from '../../src/triage/report';
import { healthyEvidence } from '../fixtures/evidence';

const INJECTED =
  'Failed to pull image: see [how to fix it](https://evil.example/steal) or ![x](https://evil.example/pixel.png) <https://evil.example/auto>';

function snapshotWith(text: string) {
  const evidence = healthyEvidence();
  const findings: Finding[] = CHECK_IDS.map((check) => ({
    check,
    title: CHECKS_BY_ID.get(check)?.title ?? check,
    status: check === 'pods.pull-errors' ? 'fail' : 'pass',
    evidence: check === 'pods.pull-errors' ? `1 pod in ns shop: ErrImagePull — "${text}"` : 'fine',
    ...(check === 'pods.pull-errors' ? { remediation: `Read the event: ${text}` } : {}),
  }));
  return snapshotOf({
    report: { target: evidence.target, verdict: verdictOf(findings), findings, collectedAt: evidence.collectedAt, complete: true },
    evidence,
  });
}

function textBlocks(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => textBlocks(n, out));
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    Object.values(o).forEach((v) => textBlocks(v, out));
  }
  return out;
}

const MARKDOWN_LINK = /!?\[[^\]]*\]\s*\(|<https?:/;

test('Adaptive Card: the injected links are text, not links, and still read as written', () => {
  const texts = textBlocks(findingsCard(snapshotWith(INJECTED)));
  const carrying = texts.filter((t) => t.includes('evil.example'));
  expect(carrying.length).toBeGreaterThan(0);
  for (const t of carrying) expect(t).not.toMatch(MARKDOWN_LINK);
  expect(carrying.join('\n').replace(/\u200b/g, '')).toContain('[how to fix it](https://evil.example/steal)');
});

test("Adaptive Card: the bot's own portal links are still links", () => {
  const texts = textBlocks(findingsCard(snapshotWith(INJECTED)));
  expect(texts.some((t) => /\]\(https:\/\/portal\.azure\.com/.test(t))).toBe(true);
});

test('Slack: the injected text cannot form a mrkdwn link', () => {
  const message = findingsBlocks(snapshotWith(INJECTED));
  const mrkdwn = JSON.stringify(message.blocks);
  expect(mrkdwn).toContain('evil.example');
  expect(mrkdwn).not.toMatch(/<https:\/\/evil/);
});
