#!/usr/bin/env node
/** Entry point of the `aks-registry-triage` command (package.json `bin`). */
import { setMaxListeners } from 'node:events';
import { runCli } from './cli/main';

const controller = new AbortController();
// Every read of a triage listens to this signal at once (a dozen with pod evidence): not a leak.
setMaxListeners(0, controller.signal);
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
