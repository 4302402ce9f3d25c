#!/usr/bin/env node
// Builds the Teams app package (manifest.json + the two icons at the root of a zip) for upload in Teams.
//
//   BOT_ID=<botAppId output of main.bicep> [TEAMS_APP_ID=<guid>] npm run package:teams [-- <out.zip>]
//
// TEAMS_APP_ID is the app's own id in Teams: keep it for every later version of the package (a new id is a
// new app). Without it one is generated and printed. The manifest is validated against the Teams manifest
// schema of its manifestVersion (shipped in @microsoft/app-manifest; nothing is downloaded) before the zip
// is written.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { writeZip } from './zip.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appDir = path.join(root, 'deploymentTemplates', 'teams-app');
const require = createRequire(import.meta.url);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message) {
  console.error(`package:teams: ${message}`);
  process.exit(1);
}

const outFile = path.resolve(process.argv[2] ?? 'teams-app.zip');
const botId = process.env.BOT_ID?.trim();
if (!botId || !GUID.test(botId)) fail('set BOT_ID to the botAppId output of main.bicep (a GUID).');
let teamsAppId = process.env.TEAMS_APP_ID?.trim();
if (teamsAppId && !GUID.test(teamsAppId)) fail(`TEAMS_APP_ID "${teamsAppId}" is not a GUID.`);
if (!teamsAppId) {
  teamsAppId = randomUUID();
  console.log(`package:teams: new TEAMS_APP_ID ${teamsAppId} — keep it and pass it for every later version of this app.`);
}

const template = await fs.readFile(path.join(appDir, 'manifest.json'), 'utf8');
const manifest = JSON.parse(template.replaceAll('${{TEAMS_APP_ID}}', teamsAppId).replaceAll('${{BOT_ID}}', botId));
const schemaFile = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(await fs.readFile(schemaFile, 'utf8')));
if (!validate(manifest)) {
  fail(
    `manifest.json does not match the Teams ${manifest.manifestVersion} schema:\n${validate.errors.map((e) => `  ${e.instancePath || '/'} ${e.message}`).join('\n')}`,
  );
}

const staged = await fs.mkdtemp(path.join(os.tmpdir(), 'teams-app-'));
try {
  await fs.writeFile(path.join(staged, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeZip(outFile, [
    ['manifest.json', path.join(staged, 'manifest.json')],
    [manifest.icons.color, path.join(appDir, manifest.icons.color)],
    [manifest.icons.outline, path.join(appDir, manifest.icons.outline)],
  ]);
} finally {
  await fs.rm(staged, { recursive: true, force: true });
}
console.log(`package:teams: ${outFile} (manifest ${manifest.manifestVersion}, app ${teamsAppId}, bot ${botId})`);
