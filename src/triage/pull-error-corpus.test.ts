/**
 * The classifier against real messages from public threads (test/fixtures/pull-error-corpus.ts). The accuracy
 * printed here is the figure in the README; the floor below keeps it from silently getting worse.
 */
import { PULL_ERROR_CORPUS } from '../../test/fixtures/pull-error-corpus';
import { classifyPullError } from './pull-errors';
import { PULL_ERROR_RULES } from './pull-error-rules';

const results = PULL_ERROR_CORPUS.map((entry) => ({ entry, got: classifyPullError(entry.message).class }));
const correct = results.filter((r) => r.got === r.entry.class);

describe('pull-error corpus', () => {
  it('holds at least 40 real messages, each with its source', () => {
    expect(PULL_ERROR_CORPUS.length).toBeGreaterThanOrEqual(40);
    for (const { source } of PULL_ERROR_CORPUS) expect(source).toMatch(/^https:\/\/(?:github\.com|learn\.microsoft\.com)\//);
    expect(new Set(PULL_ERROR_CORPUS.map((e) => e.message)).size).toBe(PULL_ERROR_CORPUS.length);
  });

  it('reaches every class of the table from at least one real message', () => {
    const classes = new Set(PULL_ERROR_RULES.map((r) => r.class));
    const reached = new Set(correct.map((r) => r.got));
    expect([...classes].filter((c) => !reached.has(c))).toEqual([]);
  });

  it('classifies the corpus with the accuracy the README states', () => {
    const wrong = results.filter((r) => r.got !== r.entry.class).map((r) => `${r.entry.source}: expected ${r.entry.class}, got ${r.got}`);
    const accuracy = correct.length / results.length;
    process.stdout.write(`pull-error corpus: ${correct.length}/${results.length} correct (${(accuracy * 100).toFixed(1)}%)\n${wrong.join('\n')}\n`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
