/**
 * `npm run package:teams` builds the zip Teams accepts: manifest.json and its two icons at the root, the
 * ids filled in, the manifest valid against the newest Teams manifest schema Microsoft publishes in
 * @microsoft/app-manifest (read from node_modules: the test needs no internet).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { zipEntries } from './zip-entries';

const root = path.resolve(__dirname, '../..');
const schemasDir = path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
const BOT_ID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const TEAMS_APP_ID = '3f2b1c9e-8a4d-4e6f-9b7a-1c2d3e4f5a6b';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'teams-package-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function packageTeams(env: Record<string, string>, out: string) {
  const childEnv = { ...process.env, ...env };
  if (!('BOT_ID' in env)) delete childEnv.BOT_ID;
  return spawnSync('npm', ['run', '--silent', 'package:teams', '--', out], { cwd: root, env: childEnv, encoding: 'utf8', timeout: 60_000 });
}

/** The newest numbered schema version shipped, e.g. 1.30 (vDevPreview is not a published version). */
function newestSchemaVersion(): string {
  const versions = readdirSync(schemasDir)
    .filter((v) => /^v\d+\.\d+$/.test(v))
    .map((v) => v.slice(1));
  versions.sort((a, b) => {
    const [am, an] = a.split('.').map(Number);
    const [bm, bn] = b.split('.').map(Number);
    return am - bm || an - bn;
  });
  return versions[versions.length - 1];
}

function validator(version: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(schemasDir, `v${version}`, 'MicrosoftTeams.schema.json'), 'utf8')) as object);
}

const pngSize = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

test('the package holds manifest.json and both icons at its root, ids filled in, valid against the current schema', async () => {
  const out = path.join(dir, 'teams-app.zip');
  const run = packageTeams({ BOT_ID, TEAMS_APP_ID }, out);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);

  const entries = await zipEntries(out);
  expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as {
    manifestVersion: string;
    id: string;
    bots: { botId: string }[];
    icons: { color: string; outline: string };
  };
  expect(manifest.id).toBe(TEAMS_APP_ID);
  expect(manifest.bots[0].botId).toBe(BOT_ID);
  expect(JSON.stringify(manifest)).not.toContain('${{');

  const current = newestSchemaVersion();
  expect(manifest.manifestVersion).toBe(current);
  const validate = validator(current);
  const valid = validate(manifest);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);

  // Teams' own upload rules beyond the schema: a 192×192 colour icon and a 32×32 outline.
  expect(pngSize(entries.get(manifest.icons.color)!)).toEqual([192, 192]);
  expect(pngSize(entries.get(manifest.icons.outline)!)).toEqual([32, 32]);
});

test('the schema check is not vacuous: a manifest with a bad id or an unknown field fails it', () => {
  const validate = validator(newestSchemaVersion());
  const template = JSON.parse(readFileSync(path.join(root, 'deploymentTemplates/teams-app/manifest.json'), 'utf8')) as Record<string, unknown>;
  expect(validate({ ...template, id: 'not-a-guid' })).toBe(false);
  expect(validate({ ...template, id: TEAMS_APP_ID, bots: [{ botId: BOT_ID, scopes: ['team'] }], surprise: true })).toBe(false);
});

test('without BOT_ID the script refuses and writes nothing', () => {
  const out = path.join(dir, 'none.zip');
  const run = packageTeams({}, out);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/BOT_ID/);
  expect(readdirSync(dir)).not.toContain('none.zip');
});
