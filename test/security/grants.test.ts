/**
 * Grants that finish, and none the audit log does not know about. The earlier code appended the audit entry
 * after the PUT and carried on when the append failed, let the PUT wait on Azure without a deadline (the
 * record stayed "approved", the card "granting…"), and `grant --yes` in the CLI wrote no audit entry at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { ApprovalService, type Person } from '../../src/conversation/approvals';
import { refusalNotice } from '../../src/conversation/wording';
import { runCli } from '../../src/cli/main';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios';
import { createAuditLog, readAudit, type AuditLog } from '../../src/storage/audit';
import { createStorage } from '../../src/storage';
import { planGrant } from '../../src/triage/grant-plan';
import { parseTarget } from '../../src/triage/target';

const RITA: Person = { id: '29:rita', aadObjectId: '0000000a-0000-4000-8000-0000000000a1', name: 'Rita', channel: 'msteams' };
const ANA: Person = { id: '29:ana', aadObjectId: '0000000b-0000-4000-8000-0000000000b2', name: 'Ana', channel: 'msteams' };

/** Above Linux's pid_max (4194304): no process can have it. */
const DEAD_PID = 4_194_305;
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-grants-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const puts = (emulator: ArmEmulator) => emulator.requests.filter((r) => r.method === 'PUT' && /roleAssignments/i.test(r.path));

async function approved(emulator: ArmEmulator, audit: AuditLog, options: { grantDeadlineMs?: number } = {}) {
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const engine = createTriageEngine({ clients, pods: false });
  const result = await engine.triage(parseTarget({ cluster: 'aks-missing-role', registry: 'acrdemo' }), { pods: false });
  const plan = planGrant(result.evidence, result.report.findings);
  if (!plan) throw new Error('no plan');
  const approvals = new ApprovalService({
    storage: await createStorage({ dataDir }),
    audit,
    engine,
    approvers: [ANA.aadObjectId!],
    allowSelfApproval: false,
    ttlMs: 3_600_000,
    retryDelaysMs: [],
    verifyDelaysMs: [0],
    log: () => undefined,
    ...options,
  });
  const record = await approvals.create({ plan, requester: RITA, summary: 'test' });
  const press = await approvals.press(record.id, ANA);
  if (press.kind !== 'accepted') throw new Error(press.reason);
  return { approvals, record: press.record };
}

test('an audit log that cannot record the grant stops the grant: no PUT, a finished "failed" record saying why', async () => {
  const emulator = createEmulator({ world: structuredClone(scenario('aks-missing-role').world) });
  const real = await createAuditLog({ dataDir });
  const audit: AuditLog = {
    append: async (entry, options) => {
      if (entry.kind === 'grant-started') throw Object.assign(new Error('storage account unreachable'), { code: 'ECONNREFUSED' });
      return real.append(entry, options);
    },
    recent: (n, options) => real.recent(n, options),
  };
  const { approvals, record } = await approved(emulator, audit);
  const done = await approvals.execute(record);
  expect(done.state).toBe('failed');
  expect(done.outcome).toMatchObject({ status: 'failed', code: 'AuditUnavailable' });
  expect(puts(emulator)).toEqual([]);
  expect((await approvals.get(record.id))?.state).toBe('failed');
});

test('grant-started is in the audit log before the PUT reaches Azure', async () => {
  const emulator = createEmulator({ world: structuredClone(scenario('aks-missing-role').world) });
  const real = await createAuditLog({ dataDir });
  const order: string[] = [];
  const audit: AuditLog = {
    append: async (e, o) => {
      order.push(`audit:${e.kind}:${puts(emulator).length}`);
      return real.append(e, o);
    },
    recent: (n, o) => real.recent(n, o),
  };
  const { approvals, record } = await approved(emulator, audit);
  const done = await approvals.execute(record);
  expect(done.state).toBe('granted');
  expect(order).toContain('audit:grant-started:0');
  expect(order).toContain('audit:grant:1');
});

test('a PUT that never answers ends at the grant deadline: the record finishes as failed instead of "approved" forever', async () => {
  const emulator = createEmulator({
    world: structuredClone(scenario('aks-missing-role').world),
    faults: [{ method: 'PUT', path: 'roleAssignments', hang: true }],
  });
  const { approvals, record } = await approved(emulator, await createAuditLog({ dataDir }), { grantDeadlineMs: 1_500 });
  const started = Date.now();
  const done = await approvals.execute(record);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(done.state).toBe('failed');
  expect((await approvals.get(record.id))?.state).toBe('failed');
  const kinds = (await readAudit({ dataDir }, { limit: 50 })).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['grant-started', 'grant']));
});

test('a press on a grant whose executor died finishes it (once), instead of "in progress" forever', async () => {
  const emulator = createEmulator({ world: structuredClone(scenario('aks-missing-role').world) });
  const { approvals, record } = await approved(emulator, await createAuditLog({ dataDir }));
  // As a process killed right after claiming would leave it: approved, claimed, its executor gone.
  const storage = await createStorage({ dataDir });
  const key = `approvals/${record.id}`;
  const item = (await storage.read([key]))[key];
  await storage.write({ [key]: { ...item, executionStartedAt: new Date().toISOString(), executor: `${hostname()}#${DEAD_PID}`, eTag: item.eTag } });
  expect((await approvals.get(record.id))?.state).toBe('approved');

  const other: Person = { ...ANA, id: '29:ana-other-device' };
  const press = await approvals.press(record.id, other);
  expect(press.kind).toBe('accepted');
  const done = await approvals.execute(press.record!);
  expect(done.state).toBe('granted');
  expect(puts(emulator)).toHaveLength(1);
  // A second press now reads "already granted", and nothing more is written.
  expect(await approvals.press(record.id, ANA)).toMatchObject({ kind: 'refused', reason: 'already-handled' });
  expect(puts(emulator)).toHaveLength(1);
  const kinds = (await readAudit({ dataDir }, { limit: 50 })).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['grant-resumed', 'grant-started', 'grant', 'verification']));
});

test('a press on a grant whose executor is alive and within its deadlines is "in progress", not taken over', async () => {
  const emulator = createEmulator({ world: structuredClone(scenario('aks-missing-role').world) });
  const { approvals, record } = await approved(emulator, await createAuditLog({ dataDir }));
  const press = await approvals.press(record.id, ANA);
  expect(press).toMatchObject({ kind: 'refused', reason: 'already-handled' });
  if (press.kind !== 'refused') throw new Error('accepted');
  expect(refusalNotice(press.reason, press.record, ANA).text).toMatch(/in progress/);
  expect(puts(emulator)).toEqual([]);
});

// Last: the CLI's --demo world is the scenario module's own, and this grant changes it for the rest of the file.
test('aks-registry-triage grant --yes records grant-started, the grant and its verification in the audit log', async () => {
  const out: string[] = [];
  const code = await runCli(['grant', '--demo', 'aks-missing-role', '--yes'], {
    env: { TRIAGE_DATA_DIR: dataDir, TRIAGE_PODS: 'false' },
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: () => undefined },
    signal: new AbortController().signal,
  });
  expect(out.join('')).toMatch(/Created role assignment/);
  expect(code).toBe(0);
  const entries = await readAudit({ dataDir }, { limit: 50 });
  expect(entries.map((e) => e.kind)).toEqual(['grant-started', 'grant', 'verification']);
  expect(entries[0]?.actor?.channel).toBe('cli');
});
