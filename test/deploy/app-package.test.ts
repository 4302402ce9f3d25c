/**
 * The App Service package, built exactly as deploymentTemplates/README.md says (`npm run package:app`),
 * unpacked into an empty directory and started with the template's start command and App Service-shaped
 * settings: the bot must answer /healthz from it, with nothing of the repository around it. It also holds
 * only what runs: compiled JavaScript and production dependencies, no sources, no devDependencies.
 *
 * Slow (a production `npm ci` and a zip of its node_modules): about a minute and a half on a quiet machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stripComments } from './bicep';
import { zipEntries } from './zip-entries';

jest.setTimeout(900_000);

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
let dir: string;
let site: string;
let entries: Map<string, Buffer>;
let bot: ChildProcess | undefined;

/** The start command main.bicep gives App Service (appCommandLine). */
function startCommand(): string[] {
  const m = /appCommandLine: '([^']+)'/.exec(stripComments(readFileSync(path.join(root, 'deploymentTemplates/main.bicep'), 'utf8')));
  if (!m) throw new Error('main.bicep has no appCommandLine');
  return m[1].split(' ');
}

/** A loopback port nothing listens on: the identity endpoint App Service would provide, here refusing. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'app-package-'));
  const zip = path.join(dir, 'app.zip');
  const build = spawnSync('npm', ['run', '--silent', 'package:app', '--', zip], { cwd: root, encoding: 'utf8', timeout: 840_000 });
  if (build.status !== 0) throw new Error(`npm run package:app failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  entries = await zipEntries(zip);
  site = path.join(dir, 'wwwroot');
  for (const [name, content] of entries) {
    if (name.endsWith('/')) continue;
    const file = path.join(site, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (name.includes('/.bin/')) chmodSync(file, 0o755);
  }
});

afterAll(() => {
  bot?.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the package holds the compiled bot and production dependencies only', () => {
  const names = [...entries.keys()];
  expect(names).toEqual(
    expect.arrayContaining([
      'package.json',
      'package-lock.json',
      'dist/src/index.js',
      'dist/cards/findings.json',
      'node_modules/restify/package.json',
      'node_modules/pino/package.json',
    ]),
  );
  expect(names.filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts') && !n.startsWith('node_modules/'))).toEqual([]);
  expect(names.filter((n) => n.startsWith('src/') || n === 'tsconfig.json')).toEqual([]);
  // Nothing only a compiler or a debugger reads: dependencies' source maps, declarations, TypeScript sources.
  expect(names.filter((n) => /^node_modules\/.*\.(map|[cm]?ts)$/.test(n))).toEqual([]);
  for (const dev of ['typescript', 'jest', 'azurite', 'eslint', 'yazl', '@microsoft/m365agentsplayground']) {
    expect(dev in pkg.devDependencies).toBe(true);
    expect(entries.has(`node_modules/${dev}/package.json`)).toBe(false);
  }
});

test("started from the unpacked package with the template's command and settings, the bot answers /healthz and stops cleanly", async () => {
  const [command, ...args] = startCommand();
  expect(command).toBe('node');
  const identityPort = await closedPort();
  const output: string[] = [];
  bot = spawn(process.execPath, args, {
    cwd: site,
    env: {
      PATH: process.env.PATH,
      // As main.bicep sets them (ids are placeholders; no Azure is reached), on a free loopback port.
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppId: '11111111-1111-4111-8111-111111111111',
      MicrosoftAppTenantId: '22222222-2222-4222-8222-222222222222',
      AZURE_CLIENT_ID: '11111111-1111-4111-8111-111111111111',
      AZURE_SUBSCRIPTION_ID: '33333333-3333-4333-8333-333333333333',
      AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://management.azure.com/',
      TRIAGE_APPROVERS: '44444444-4444-4444-8444-444444444444',
      TRIAGE_ALLOW_SELF_APPROVAL: 'False',
      TRIAGE_APPROVAL_TTL: '1h',
      TRIAGE_AUDIT: 'approvers',
      TRIAGE_PODS: 'True',
      TRIAGE_POD_DEADLINE_MS: '90000',
      TRIAGE_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      // App Service's managed identity endpoint, here a closed loopback port (the credential fails fast).
      IDENTITY_ENDPOINT: `http://127.0.0.1:${identityPort}/msi/token`,
      IDENTITY_HEADER: 'test',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bot.stderr?.on('data', (c: Buffer) => output.push(c.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s:\n${output.join('')}`)), 60_000);
    let buffered = '';
    bot!.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      output.push(chunk.toString('utf8'));
      for (const line of buffered.split('\n').slice(0, -1)) {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf('\n') + 1);
    });
    bot!.once('exit', (code) => reject(new Error(`the bot exited (${code}) before listening:\n${output.join('')}`)));
  });

  const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok' });

  const exited = new Promise<number | null>((resolve) => bot!.once('exit', resolve));
  bot.kill('SIGTERM');
  expect(await exited).toBe(0);
  bot = undefined;
  // every line it wrote is a JSON log line
  for (const line of output
    .join('')
    .split('\n')
    .filter((l) => l.trim().startsWith('{')))
    expect(() => JSON.parse(line)).not.toThrow();
});
