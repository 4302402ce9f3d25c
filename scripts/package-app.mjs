#!/usr/bin/env node
// Builds the App Service package: compiled JavaScript plus production node_modules, ready to run as it
// is. App Service runs no build on it (the template sets SCM_DO_BUILD_DURING_DEPLOYMENT=false): its build
// engine would otherwise run `npm run build`, which needs the TypeScript sources and devDependencies that
// a runtime package must not carry.
//
//   npm run package:app [-- <out.zip>]      (default: app.zip in the current directory)
//
// Steps: compile (tsc) into a fresh staging directory, add package.json and package-lock.json, install
// exactly the locked production dependencies there (npm ci --omit=dev), zip the directory.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, writeZip } from './zip.mjs';

/** Files nothing reads at run time. */
const NOT_RUN = /^node_modules\/.*\.(map|[cm]?ts)$|\.d\.[cm]?ts$/;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outFile = path.resolve(process.argv[2] ?? 'app.zip');

function run(command, args, cwd) {
  // npm is npm.cmd on Windows, which only a shell runs.
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`package:app: "${command} ${args.join(' ')}" failed in ${cwd}`);
    process.exit(result.status ?? 1);
  }
}

const stage = await fs.mkdtemp(path.join(os.tmpdir(), 'aks-registry-triage-package-'));
try {
  // Compiled straight into the package, so a stale file in the working tree's dist/ can never ship (and
  // nothing running from dist/ meanwhile sees it rewritten).
  run('npm', ['run', 'build', '--', '--outDir', path.join(stage, 'dist')], root);
  for (const file of ['package.json', 'package-lock.json']) await fs.copyFile(path.join(root, file), path.join(stage, file));
  // Exactly the locked production tree; no install scripts (none is needed at run time, and a native
  // rebuild on the packaging machine would not match App Service's Linux anyway).
  // --prefer-offline: the lockfile pins every tarball by integrity, so the local npm cache (filled by the
  // developer's own `npm ci`) is as good as the registry and saves minutes of downloading.
  run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], stage);
  // What only a compiler or a debugger reads stays out of the dependencies: their source maps and type
  // declarations (and the TypeScript sources some ship beside their JavaScript) were 45,000 of the production
  // tree's 71,000 files and 240 of its 410 MB. The bot's own source maps stay, for --enable-source-maps.
  const files = (await filesUnder(stage)).filter((name) => !NOT_RUN.test(name));
  await writeZip(
    outFile,
    files.map((name) => [name, path.join(stage, name)]),
  );
  console.log(`package:app: ${outFile} (${files.length} files)`);
} finally {
  await fs.rm(stage, { recursive: true, force: true });
}
