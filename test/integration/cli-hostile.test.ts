/**
 * Hostile and malformed input never reaches Azure: every row of HOSTILE_REFS, bad flags, an unknown demo
 * scenario and bad configuration end with exit 2, one `error:` line that names the problem, no stack trace,
 * and zero requests — although the CLI runs with a live emulator's managed-identity environment (in a
 * separate process, so NODE_EXTRA_CA_CERTS really applies) and the positive control, run last in the same
 * process, shows that a valid command does reach it.
 */
import type { RecordedRequest } from '../../src/simulator/emulator';
import { startEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios/index';
import { HOSTILE_REFS, type HostileRef } from '../fixtures/hostile-refs';
import { runCliBatch, type BatchCase, type BatchResult } from '../support/cli-batch';
import { ensureBuilt } from '../support/cli-process';

const HEALTHY = scenario('aks-healthy');
const VALID = [`--cluster=${HEALTHY.target.cluster}`, `--registry=${HEALTHY.target.registry}`];

/** `--flag=value`, so that a value starting with "-" or empty reaches the parser as the value it is. */
function argvFor(row: HostileRef): string[] {
  const cluster = row.part === 'cluster' ? row.input : HEALTHY.target.cluster;
  const registry = row.part === 'registry' || row.part === 'image' ? row.input : HEALTHY.target.registry;
  return ['check', `--cluster=${cluster}`, `--registry=${registry}`, ...(row.part === 'subscription' ? [`--subscription=${row.input}`] : [])];
}

interface NamedCase extends BatchCase {
  name: string;
  /** A fragment of the one error line the person must see. */
  says: string;
}

const BAD_USAGE: NamedCase[] = [
  { name: 'misspelt flag', argv: ['check', '--clustr', 'aks-healthy', '--registry', 'acrdemo'], says: "'--clustr'" },
  { name: 'grant without --registry', argv: ['grant', '--cluster', 'aks-healthy'], says: '--registry is required' },
  { name: '--pod beside --registry', argv: ['check', ...VALID, '--pod', 'api'], says: 'leave out --registry' },
  { name: 'missing --cluster', argv: ['check', '--registry', 'acrdemo'], says: '--cluster is required' },
  { name: 'unknown --format', argv: ['check', ...VALID, '--format', 'xml'], says: '--format must be "text" or "json"' },
  { name: 'unknown command', argv: ['chekc', ...VALID], says: 'unknown command "chekc"' },
  { name: 'positional argument', argv: ['check', 'aks-healthy', 'acrdemo'], says: 'aks-healthy' },
  { name: '--yes on check', argv: ['check', ...VALID, '--yes'], says: "'--yes'" },
  {
    name: 'grant with a hostile cluster',
    argv: ['grant', "--cluster=x') or true or ('", '--registry=acrdemo', '--yes'],
    says: "has a single quote (')",
  },
  { name: 'unknown demo scenario', argv: ['check', '--demo', 'aks-does-not-exist'], says: 'No scenario named "aks-does-not-exist"' },
  {
    name: 'plain-http ARM endpoint',
    argv: ['check', ...VALID],
    env: { AZURE_RESOURCE_MANAGER_ENDPOINT: 'http://127.0.0.1:1' },
    says: 'AZURE_RESOURCE_MANAGER_ENDPOINT must use https',
  },
  {
    name: 'garbage ARM endpoint',
    argv: ['check', ...VALID],
    env: { AZURE_RESOURCE_MANAGER_ENDPOINT: 'not a url' },
    says: 'AZURE_RESOURCE_MANAGER_ENDPOINT must be an https URL',
  },
  {
    name: 'ARM endpoint with credentials',
    argv: ['check', ...VALID],
    env: { AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://user:pw@127.0.0.1:1' },
    says: 'AZURE_RESOURCE_MANAGER_ENDPOINT must be a plain endpoint',
  },
  {
    name: 'subscription that is no GUID',
    argv: ['check', ...VALID],
    env: { AZURE_SUBSCRIPTION_ID: 'prod-subscription' },
    says: 'AZURE_SUBSCRIPTION_ID must be a GUID',
  },
  {
    name: 'subscription with an injection',
    argv: ['check', ...VALID],
    env: { AZURE_SUBSCRIPTION_ID: "x' or '1'='1" },
    says: 'AZURE_SUBSCRIPTION_ID must be a GUID',
  },
  { name: 'bad TRIAGE_PODS', argv: ['check', ...VALID], env: { TRIAGE_PODS: 'maybe' }, says: 'TRIAGE_PODS must be true or false' },
];

const HOSTILE: NamedCase[] = HOSTILE_REFS.map((row) => ({ name: `${row.part}: ${row.why}`, argv: argvFor(row), says: row.messageIncludes }));
const CONTROL: BatchCase = { argv: ['check', ...VALID, '--no-pods'] };

let emulator: ArmEmulator;
let hostile: BatchResult[] = [];
let badUsage: BatchResult[] = [];
let control: BatchResult;
let requests: RecordedRequest[] = [];

beforeAll(async () => {
  ensureBuilt();
  emulator = await startEmulator({ world: structuredClone(HEALTHY.world) });
  try {
    const results = await runCliBatch([...HOSTILE, ...BAD_USAGE, CONTROL], emulator.childEnv());
    hostile = results.slice(0, HOSTILE.length);
    badUsage = results.slice(HOSTILE.length, HOSTILE.length + BAD_USAGE.length);
    control = results[results.length - 1]!;
    requests = [...emulator.requests];
  } finally {
    await emulator.close();
  }
}, 120_000);

/** Requests the emulator received while this case ran, or later but before the next case began. */
function requestsDuring(result: BatchResult, next: BatchResult | undefined): string[] {
  const until = next?.startedAt ?? result.endedAt;
  return requests.filter((r) => r.at >= result.startedAt && r.at <= Math.max(until, result.endedAt)).map((r) => `${r.method} ${r.path}`);
}

function expectOneClearError(result: BatchResult, says: string): void {
  const first = result.stderr.split('\n')[0] ?? '';
  expect({ code: result.code, first: first.startsWith('error: ') }).toEqual({ code: 2, first: true });
  expect(first).toContain(says);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
}

describe('positive control', () => {
  it('a valid check in the same process with the same environment reaches the emulator (exit 0)', () => {
    expect(control.stderr).not.toMatch(/^error:/m);
    expect(control.code).toBe(0);
    expect(requests.some((r) => r.path === '/msi/token')).toBe(true);
    // Every request the emulator saw came from the control, none from the cases before it.
    expect(requests.filter((r) => r.at < control.startedAt).map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});

describe('hostile refs', () => {
  it('the table is large enough to mean something', () => {
    expect(HOSTILE_REFS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE.map((c, i) => [i, c.name, i] as const))('#%d %s → exit 2, named, no request', (_n, _name, i) => {
    expectOneClearError(hostile[i]!, HOSTILE[i]!.says);
    expect(requestsDuring(hostile[i]!, hostile[i + 1] ?? badUsage[0])).toEqual([]);
  });
});

describe('bad flags, scenarios and configuration', () => {
  it.each(BAD_USAGE.map((c, i) => [c.name, i] as const))('%s → exit 2, one clear line, no request', (_name, i) => {
    expectOneClearError(badUsage[i]!, BAD_USAGE[i]!.says);
    expect(requestsDuring(badUsage[i]!, badUsage[i + 1] ?? control)).toEqual([]);
  });
});
