/**
 * Many CLI invocations in ONE separate process (`runCli` from dist, one after another), so that a table of
 * a hundred inputs costs one Node start-up yet runs with a real environment: the child's process.env holds
 * the emulator's identity variables and NODE_EXTRA_CA_CERTS from birth, exactly as the `bin` would. Each
 * result carries its start and end time, to attribute the emulator's recorded requests (`at`) to a case.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './cli-process';

export interface BatchCase {
  argv: string[];
  /** Added to the child's environment for this case only (io.env; the credential still reads the child's own). */
  env?: Record<string, string>;
}

export interface BatchResult {
  code: number;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
}

const CHILD = `
const { readFileSync } = require('node:fs');
const { runCli } = require(${JSON.stringify(join(ROOT, 'dist', 'src', 'cli', 'main.js'))});
(async () => {
  const cases = JSON.parse(readFileSync(process.argv[1], 'utf8'));
  const results = [];
  for (const c of cases) {
    let stdout = '';
    let stderr = '';
    const startedAt = Date.now();
    const code = await runCli(c.argv, {
      env: { ...process.env, ...(c.env || {}) },
      stdout: { write: (t) => { stdout += t; return true; } },
      stderr: { write: (t) => { stderr += t; return true; } },
      signal: new AbortController().signal,
    });
    results.push({ code, stdout, stderr, startedAt, endedAt: Date.now() });
  }
  process.stdout.write(JSON.stringify(results));
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(70); });
`;

export async function runCliBatch(
  cases: readonly BatchCase[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<BatchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'triage-cli-batch-'));
  const input = join(dir, 'cases.json');
  writeFileSync(input, JSON.stringify(cases));
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', CHILD, input],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env },
          timeout: options.timeoutMs ?? 60_000,
          maxBuffer: 32 * 1024 * 1024,
        },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
      );
    });
    return JSON.parse(stdout) as BatchResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
