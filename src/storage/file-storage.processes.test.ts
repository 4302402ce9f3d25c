/**
 * Exactly-once across real processes: several Node processes share one data directory and all try to
 * move the same items on from the same eTag at the same moment. The children load the real
 * file-storage.ts (transpiled on the fly by the installed TypeScript), nothing stands in for it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileStorage } from './file-storage';

const PROCESSES = 4;
const KEYS = 15;

const CHILD = `
const fs = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, filename) => {
  const output = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: filename,
  });
  module._compile(output.outputText, filename);
};
const { FileStorage } = require(process.env.MODULE);
const input = JSON.parse(process.env.INPUT);
(async () => {
  const storage = new FileStorage({ directory: input.directory });
  while (Date.now() < input.startAt) { /* line up with the other processes */ }
  const won = [];
  for (const [key, eTag] of input.keys) {
    try {
      await storage.write({ [key]: { owner: input.name, eTag } });
      won.push(key);
    } catch (error) {
      if (error.code !== 'EtagConflict') throw error;
    }
  }
  process.stdout.write(JSON.stringify(won));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function runChild(input: Record<string, unknown>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      env: { ...process.env, MODULE: path.join(__dirname, 'file-storage.ts'), INPUT: JSON.stringify(input) },
      cwd: path.join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`child failed (${code}): ${err}`))));
  });
}

test(`${PROCESSES} processes racing on ${KEYS} items from the same eTags: each item has exactly one winner`, async () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'triage-processes-'));
  try {
    const storage = new FileStorage({ directory });
    const keys = Array.from({ length: KEYS }, (_, i) => `approvals/item-${i}`);
    await storage.write(Object.fromEntries(keys.map((key) => [key, { owner: 'nobody' }])));
    const read = await storage.read(keys);
    const pairs = keys.map((key) => [key, read[key].eTag as string]);

    // Loading TypeScript takes a moment; all children start writing at the same instant after that.
    const startAt = Date.now() + 4000;
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, i) => runChild({ directory, keys: pairs, startAt, name: `process-${i}` })),
    );

    const final = await new FileStorage({ directory }).read(keys);
    for (const key of keys) {
      const winners = results.flatMap((won, i) => (won.includes(key) ? [`process-${i}`] : []));
      expect({ key, winners }).toEqual({ key, winners: [final[key].owner] });
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}, 60_000);
