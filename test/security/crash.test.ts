/**
 * A bot killed (SIGKILL: no shutdown, no finally) in the middle of a grant, then started again on the same
 * storage. The earlier bot left the record "approved" forever, the card saying "granting…" and the audit log
 * without a grant entry. Now the restart finds the interrupted grant, reads the role assignment by its
 * deterministic name, and finishes: exactly one role assignment, a finished record, a true card and a
 * complete audit trail — whether the kill came before the PUT reached Azure or after Azure applied it.
 *
 * Real processes throughout: the built bot (`node dist/src/index.js`) configured by environment only, the
 * ARM emulator over HTTPS in this process (so role assignments outlive the bot), DefaultAzureCredential
 * through the emulator's managed-identity endpoint, and Slack requests signed with the signing secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import type { Dispatcher, Outcome } from '../../src/simulator/in-process-client';
import { scenario } from '../../src/simulator/scenarios';
import type { EmuRequest } from '../../src/simulator/wire';
import { createStorage } from '../../src/storage';
import { readAudit } from '../../src/storage/audit';
import { blocksText, buttonsOf } from '../e2e/block-assertions';
import { BOT_USER, FakeSlackApi, eventBody, pressBody, send, signed, type SlackCall } from '../e2e/fake-slack';
import { ROOT, ensureBuilt } from '../support/cli-process';

jest.setTimeout(120_000);

const SECRET = 'crash-test-signing-secret';
const CHANNEL = 'C0INCIDENTS';
const RITA = { id: 'U0RITA', name: 'rita' };
const ANA = { id: 'U0ANA', name: 'ana' };

type Hold = 'none' | 'before-put' | 'after-put';

let emulator: ArmEmulator;
let slackApi: FakeSlackApi;
let dataDir: string;
let hold: Hold = 'none';
let putArrived: () => void = () => undefined;
/** The path of the grant's PUT (its last segment is the deterministic assignment name). */
let grantPath = '';
const bots: ChildProcess[] = [];

const isGrantPut = (r: Pick<EmuRequest, 'method' | 'path'>) =>
  r.method === 'PUT' && /\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(r.path);

beforeAll(() => ensureBuilt());

beforeEach(async () => {
  hold = 'none';
  grantPath = '';
  emulator = await startEmulator({ world: structuredClone(scenario('aks-missing-role').world) });
  // The emulator's HTTPS listener dispatches through this method: hold the grant's PUT where the test says.
  const dispatcher = emulator as unknown as Dispatcher;
  const dispatch = dispatcher.dispatch.bind(dispatcher);
  dispatcher.dispatch = async (request: EmuRequest, signal: AbortSignal | undefined): Promise<Outcome> => {
    if (isGrantPut(request)) grantPath = request.path;
    if (!isGrantPut(request) || hold === 'none') return dispatch(request, signal);
    if (hold === 'after-put') await dispatch(request, signal);
    putArrived();
    return { kind: 'hang' };
  };
  slackApi = new FakeSlackApi();
  await slackApi.start();
  dataDir = mkdtempSync(join(tmpdir(), 'triage-crash-'));
});

afterEach(async () => {
  for (const bot of bots.splice(0)) if (bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
  await slackApi.close();
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the built bot with exactly this environment (PATH aside) and resolves with its Slack events URL. */
function startBot(): Promise<{ child: ChildProcess; events: string }> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...emulator.childEnv(),
    AZURE_SUBSCRIPTION_ID: emulator.world.subscriptions[0]!.subscriptionId,
    PORT: '0',
    TRIAGE_DATA_DIR: dataDir,
    TRIAGE_PODS: 'false',
    TRIAGE_APPROVERS: `slack:${ANA.id}`,
    SLACK_BOT_TOKEN: 'xoxb-crash-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slackApi.url,
  };
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'dist', 'src', 'index.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bots.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the bot did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /Slack app enabled: events and interactivity at (http:\/\/\S+?\/slack\/events)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, events: url });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`the bot exited (${code ?? signal}) before it started:\n${output}`)));
  });
}

async function killHard(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

const withButton = (c: SlackCall) => c.method === 'chat.update' && buttonsOf({ blocks: c.args.blocks ?? [] }).length > 0;

/** Asks for the check, takes the grant offer, presses Approve as the approver, and waits for the held PUT. */
async function approveUntilThePut(events: string): Promise<{ approvalId: string; ts: string }> {
  const arrived = new Promise<void>((resolve) => (putArrived = resolve));
  const from = slackApi.calls.length;
  const mention = signed(
    SECRET,
    eventBody({ type: 'app_mention', user: RITA.id, text: `<@${BOT_USER}> check aks-missing-role acrdemo`, channel: CHANNEL }),
    'application/json',
  );
  expect((await send(events, mention)).status).toBe(200);
  const findings = await slackApi.waitFor(withButton, { from, timeoutMs: 30_000 });
  const ts = String(findings.args.ts);
  const approvalId = String(buttonsOf({ blocks: findings.args.blocks ?? [] })[0]!.value);
  const press = signed(SECRET, pressBody({ user: ANA, channel: CHANNEL, messageTs: ts, value: approvalId }), 'application/x-www-form-urlencoded');
  expect((await send(events, press)).status).toBe(200);
  await arrived;
  return { approvalId, ts };
}

/** Role assignments the bot's grant would create: the plan's role for the kubelet identity on the registry. */
function pullAssignments(): unknown[] {
  if (!grantPath) throw new Error('no grant PUT was seen');
  const name = grantPath.split('/').pop()!.toLowerCase();
  return emulator.world.roleAssignments.filter((a) => a.name.toLowerCase() === name);
}

async function finishedRecord(approvalId: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const storage = await createStorage({ dataDir });
  const key = `approvals/${approvalId}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const item = (await storage.read([key]))[key] as Record<string, unknown> | undefined;
    if (item && (item.state === 'granted' || item.state === 'failed')) return item;
    if (Date.now() > deadline) throw new Error(`approval ${approvalId} did not finish: ${JSON.stringify(item?.state)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectFinishedTruthfully(approvalId: string, ts: string): Promise<void> {
  const record = await finishedRecord(approvalId, 60_000);
  expect(record.state).toBe('granted');
  expect(record.outcome).toMatchObject({ status: 'created' });
  expect(pullAssignments()).toHaveLength(1);
  // The card: the last update of the findings message says granted, with no button left.
  const card = await slackApi.waitFor(
    (c) => c.method === 'chat.update' && c.args.ts === ts && /Role assignment/i.test(blocksText({ blocks: c.args.blocks ?? [] })),
    { timeoutMs: 30_000 },
  );
  expect(buttonsOf({ blocks: card.args.blocks ?? [] })).toEqual([]);
  // The audit trail: asked, approved, started, resumed after the crash, granted, verified.
  const kinds = (await readAudit({ dataDir }, { limit: 100 })).filter((e) => e.approvalId === approvalId).map((e) => e.kind);
  for (const kind of ['approval-requested', 'approved', 'grant-resumed', 'grant', 'verification'] as const) expect(kinds).toContain(kind);
  expect(kinds.indexOf('approved')).toBeLessThan(kinds.indexOf('grant-resumed'));
  expect(kinds.lastIndexOf('grant')).toBeLessThan(kinds.lastIndexOf('verification'));
  expect(kinds.filter((k) => k === 'grant')).toHaveLength(1);
}

test('killed between the claim and the PUT: the restart grants once and finishes record, card and audit', async () => {
  hold = 'before-put';
  const first = await startBot();
  const { approvalId, ts } = await approveUntilThePut(first.events);
  await killHard(first.child);
  expect(pullAssignments()).toHaveLength(0);
  expect(await finishedRecord(approvalId, 0).catch(() => undefined)).toBeUndefined();

  hold = 'none';
  await startBot();
  await expectFinishedTruthfully(approvalId, ts);
  const kinds = (await readAudit({ dataDir }, { limit: 100 })).filter((e) => e.approvalId === approvalId).map((e) => e.kind);
  // The first process got as far as grant-started; the second started again after resuming.
  expect(kinds.filter((k) => k === 'grant-started')).toHaveLength(2);
});

test('killed after Azure applied the PUT, before the final write: the restart finds the assignment and does not write again', async () => {
  hold = 'after-put';
  const first = await startBot();
  const { approvalId, ts } = await approveUntilThePut(first.events);
  await killHard(first.child);
  expect(pullAssignments()).toHaveLength(1);
  const putsBefore = emulator.requests.filter(isGrantPut).length;

  hold = 'none';
  await startBot();
  await expectFinishedTruthfully(approvalId, ts);
  expect(emulator.requests.filter(isGrantPut)).toHaveLength(putsBefore);
  const audit = (await readAudit({ dataDir }, { limit: 100 })).filter((e) => e.approvalId === approvalId);
  expect(audit.find((e) => e.kind === 'grant')?.reason).toMatch(/already in Azure/);
});
