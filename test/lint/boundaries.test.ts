/**
 * The import rules of eslint.config.mjs, run through ESLint itself on one-line modules placed in each room:
 * a forbidden import is an error (so `eslint src test bench` in `npm test` fails), an allowed one is not.
 * ESLint loads its flat config with a dynamic import, which jest's module sandbox cannot do, so the cases
 * are linted in one child Node process through ESLint's API.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const LINT_CASES = `
const { ESLint } = require('eslint');
(async () => {
  const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const [file, specifier] of cases) {
    const [result] = await eslint.lintText("import { x } from '" + specifier + "';\\nexport const y = x;\\n", { filePath: file });
    out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})();
`;

function lint(cases: [string, string][]): string[][] {
  const output = execFileSync(process.execPath, ['-e', LINT_CASES], { cwd: ROOT, input: JSON.stringify(cases), encoding: 'utf8', timeout: 120_000 });
  return JSON.parse(output) as string[][];
}

let results = new Map<string, string[]>();

function restricted(file: string, specifier: string): string[] {
  const found = results.get(`${file} ${specifier}`);
  if (!found) throw new Error(`${file} ${specifier} was not linted`);
  return found;
}

const FORBIDDEN: [string, string, RegExp][] = [
  ['src/triage/checks/new-check.ts', '../../azure/clients', /A check is a pure function of Evidence/],
  ['src/triage/checks/new-check.ts', '../../storage/audit', /A check is a pure function of Evidence/],
  ['src/triage/checks/new-check.ts', '@azure/arm-authorization', /A check uses no packages/],
  ['src/triage/evidence-extra.ts', '../azure/gather', /src\/triage is the pure domain/],
  ['src/triage/evidence-extra.ts', '../conversation/approvals', /src\/triage is the pure domain/],
  ['src/triage/evidence-extra.ts', '@azure/identity', /src\/triage uses no packages/],
  ['src/conversation/new-step.ts', 'botbuilder', /botbuilder \(archived\) stays in src\/teams/],
  ['src/conversation/new-step.ts', '@slack/bolt', /The Slack SDK stays in src\/slack/],
  ['src/conversation/new-step.ts', '../teams/port', /channel-neutral/],
  ['src/conversation/new-step.ts', '../azure/engine', /channel-neutral/],
  ['src/alerts/new-format.ts', 'botbuilder', /botbuilder \(archived\) stays in src\/teams/],
  ['src/alerts/new-format.ts', '../teams/port', /src\/alerts is channel-neutral/],
  ['src/alerts/new-format.ts', '../azure/engine', /src\/alerts is channel-neutral/],
  ['src/slack/new-handler.ts', 'botbuilder', /botbuilder \(archived\) stays in src\/teams/],
  ['src/slack/new-handler.ts', '../teams/render', /src\/slack adapts bolt/],
  ['src/teams/new-handler.ts', '@slack/bolt', /The Slack SDK stays in src\/slack/],
  ['src/azure/new-reader.ts', '../conversation/approvals', /knows no channel/],
  ['src/azure/new-reader.ts', '../simulator/emulator', /no emulator/],
  ['src/channels/new-view.ts', '../azure/clients', /reads nothing and sends nothing/],
  ['src/storage/new-store.ts', 'botbuilder', /botbuilder \(archived\)/],
  ['src/primitives/new-primitive.ts', '../triage/refs', /bottom room/],
  ['src/cli/new-command.ts', '../teams', /not its business/],
  ['src/index-helper.ts', 'botbuilder', /botbuilder \(archived\)/],
];

const ALLOWED: [string, string][] = [
  ['src/triage/checks/new-check.ts', '../evidence'],
  ['src/triage/checks/new-check.ts', '../../primitives/guid'],
  ['src/triage/evidence-extra.ts', '../primitives/arm-id'],
  ['src/conversation/new-step.ts', '../triage/engine'],
  ['src/conversation/new-step.ts', '../storage/store'],
  ['src/teams/new-handler.ts', 'botbuilder'],
  ['src/teams/new-handler.ts', '../conversation/port'],
  ['src/slack/new-handler.ts', '@slack/bolt'],
  ['src/azure/new-reader.ts', '@azure/arm-authorization'],
  ['src/azure/new-reader.ts', '../triage/evidence'],
  ['src/index-helper.ts', './teams'],
];

beforeAll(() => {
  const cases: [string, string][] = [...FORBIDDEN.map(([file, specifier]): [string, string] => [file, specifier]), ...ALLOWED];
  const linted = lint(cases);
  results = new Map(cases.map(([file, specifier], i) => [`${file} ${specifier}`, linted[i]]));
}, 120_000);

describe('folder-level import rules', () => {
  test.each(FORBIDDEN)('%s may not import %s', (file, specifier, message) => {
    const messages = restricted(file, specifier);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(message);
  });

  test.each(ALLOWED)('%s may import %s', (file, specifier) => {
    expect(restricted(file, specifier)).toEqual([]);
  });
});
