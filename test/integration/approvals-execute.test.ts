/**
 * Approval to role assignment, end to end through real parts: the real TriageEngine (official SDK clients)
 * on the ARM emulator serving the `aks-missing-role` scenario, approvals in real storage shared by two
 * ApprovalService instances (one Azurite container, or one directory). Role-assignment writes are
 * counted from what the emulator received.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Storage } from 'botbuilder';
import { ContainerClient } from '@azure/storage-blob';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { ApprovalService, type ApprovalRecord, type Person, type PressResult } from '../../src/conversation/approvals';
import { refusalNotice } from '../../src/conversation/wording';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { scenario } from '../../src/simulator/scenarios';
import { BlobAuditLog, FileAuditLog, type AuditLog } from '../../src/storage/audit';
import { AzureBlobStorage } from '../../src/storage/blob-storage';
import { FileStorage } from '../../src/storage/file-storage';
import type { TriageEngine } from '../../src/triage/engine';
import { planGrant } from '../../src/triage/grant-plan';
import type { GrantPlan } from '../../src/triage/remediation';
import { parseTarget } from '../../src/triage/target';
import { startAzurite, type Azurite } from '../support/azurite';

const APPROVER: Person = { id: '29:approver', aadObjectId: '0a0a0a0a-0000-4000-8000-00000000a001', name: 'Ana Approver', channel: 'msteams' };
const SECOND_APPROVER: Person = { id: '29:second', aadObjectId: '0a0a0a0a-0000-4000-8000-00000000a002', name: 'Sam Second', channel: 'msteams' };
const REQUESTER: Person = { id: '29:requester', aadObjectId: '0a0a0a0a-0000-4000-8000-00000000b001', name: 'Rui Requester', channel: 'msteams' };
const OUTSIDER: Person = { id: '29:outsider', aadObjectId: '0a0a0a0a-0000-4000-8000-00000000c001', name: 'Oli Outsider', channel: 'msteams' };
const APPROVERS = [APPROVER.aadObjectId!, SECOND_APPROVER.aadObjectId!];

interface Azure {
  emulator: ArmEmulator;
  engine: TriageEngine;
  plan: GrantPlan;
}

/** A fresh emulated Azure where aks-missing-role's kubelet lacks AcrPull, and the plan a triage offers for it. */
async function missingRoleAzure(): Promise<Azure> {
  const s = scenario('aks-missing-role');
  const emulator = createEmulator({ world: structuredClone(s.world) });
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const engine = createTriageEngine({ clients, pods: false });
  const { evidence, report } = await engine.triage(parseTarget(s.target));
  const plan = planGrant(evidence, report.findings);
  if (!plan) throw new Error('aks-missing-role should offer a grant plan');
  emulator.clearRequests();
  return { emulator, engine, plan };
}

function roleAssignmentWrites(emulator: ArmEmulator): number {
  return emulator.requests.filter((r) => r.method === 'PUT' && /\/providers\/Microsoft\.Authorization\/roleAssignments\//i.test(r.path)).length;
}

function pullGrantsFor(emulator: ArmEmulator, plan: GrantPlan): number {
  return emulator.world.roleAssignments.filter(
    (a) => a.properties.principalId === plan.principalId && a.properties.roleDefinitionId.toLowerCase().endsWith(plan.roleGuid),
  ).length;
}

function service(azure: Azure, storage: Storage, audit: AuditLog, now?: () => Date): ApprovalService {
  return new ApprovalService({
    storage,
    audit,
    engine: azure.engine,
    approvers: APPROVERS,
    allowSelfApproval: false,
    ttlMs: 60 * 60 * 1000,
    now,
    verifyDelaysMs: [5, 5, 5],
    retryDelaysMs: [5, 5],
  });
}

let azurite: Azurite;
const directories: string[] = [];
const emulators: ArmEmulator[] = [];

beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
  await Promise.all(emulators.map((e) => e.close()));
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function azure(): Promise<Azure> {
  const a = await missingRoleAzure();
  emulators.push(a.emulator);
  return a;
}

function tempDir(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'triage-execute-'));
  directories.push(directory);
  return directory;
}

function fileServices(a: Azure): { services: [ApprovalService, ApprovalService]; audit: AuditLog } {
  const directory = tempDir();
  const open = (): ApprovalService =>
    service(a, new FileStorage({ directory: path.join(directory, 'state') }), new FileAuditLog({ file: path.join(directory, 'audit.jsonl') }));
  return { services: [open(), open()], audit: new FileAuditLog({ file: path.join(directory, 'audit.jsonl') }) };
}

function blobServices(a: Azure): { services: [ApprovalService, ApprovalService]; audit: AuditLog } {
  const container = azurite.uniqueContainer('execute');
  const client = (): ContainerClient => new ContainerClient(azurite.connectionString, container);
  const open = (): ApprovalService => service(a, new AzureBlobStorage({ container: client() }), new BlobAuditLog({ container: client() }));
  return { services: [open(), open()], audit: new BlobAuditLog({ container: client() }) };
}

describe.each([
  ['two blob storages on one Azurite container', blobServices],
  ['two file storages on one directory', fileServices],
])('20 simultaneous presses across two instances (%s)', (_label, open) => {
  test('exactly one is accepted, and exactly one role assignment is written, even if every press tries to execute', async () => {
    const a = await azure();
    const { services, audit } = open(a);
    const { id } = await services[0].create({ plan: a.plan, requester: REQUESTER, summary: 'problems: rbac.pull-role fail' });

    const presses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => services[i % 2].press(id, i % 3 ? APPROVER : SECOND_APPROVER).then((result) => ({ result, on: i % 2 }))),
    );
    const accepted = presses.filter((p) => p.result.kind === 'accepted');
    expect(accepted).toHaveLength(1);

    // Every press, won or lost, now asks its instance to execute (a confused caller must not grant twice).
    const claimed = accepted[0].result.record as ApprovalRecord;
    const executions = await Promise.all(presses.map(({ result, on }) => services[on].execute(result.record ?? claimed)));

    expect(roleAssignmentWrites(a.emulator)).toBe(1);
    expect(pullGrantsFor(a.emulator, a.plan)).toBe(1);

    const final = await services[1].get(id);
    expect(final).toMatchObject({
      state: 'granted',
      approvedBy: claimed.approvedBy,
      outcome: { status: 'created' },
      verification: { visible: true, pullRoleStatus: 'pass' },
    });
    expect(final?.finishedAt).toBeDefined();
    const assignmentId = final?.outcome && 'assignmentId' in final.outcome ? final.outcome.assignmentId : undefined;
    expect(assignmentId).toMatch(new RegExp(`^${a.plan.scope}/providers/Microsoft.Authorization/roleAssignments/`, 'i'));
    expect(executions.filter((r) => r.state === 'granted').length).toBeGreaterThanOrEqual(1);

    const entries = (await audit.recent(200)).filter((e) => e.approvalId === id);
    expect(entries.filter((e) => e.kind === 'approval-requested')).toHaveLength(1);
    expect(entries.filter((e) => e.kind === 'approved')).toHaveLength(1);
    expect(entries.filter((e) => e.kind === 'approval-refused')).toHaveLength(19);
    const grants = entries.filter((e) => e.kind === 'grant');
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ assignmentId, actor: { id: claimed.approvedBy?.id }, outcome: { status: 'created' } });
    expect(grants[0].correlationId).toEqual(expect.any(String));
    expect(entries.filter((e) => e.kind === 'verification')).toHaveLength(1);
  });
});

describe('refused presses never reach Azure', () => {
  test('non-approver, self-approval, expired, tampered id, already handled: no ARM request, and executing the refused record does nothing', async () => {
    const a = await azure();
    const directory = tempDir();
    const clock = { now: new Date('2025-06-01T10:00:00Z') };
    const storage = new FileStorage({ directory: path.join(directory, 'state') });
    const audit = new FileAuditLog({ file: path.join(directory, 'audit.jsonl') });
    const svc = service(a, storage, audit, () => clock.now);

    const pending = await svc.create({ plan: a.plan, requester: REQUESTER, summary: 's' });
    const own = await svc.create({ plan: a.plan, requester: APPROVER, summary: 's' });
    const stale = await svc.create({ plan: a.plan, requester: REQUESTER, summary: 's' });

    const refusals: [PressResult, string][] = [];
    refusals.push([await svc.press(pending.id, OUTSIDER), 'not-approver']);
    refusals.push([await svc.press(own.id, APPROVER), 'self-approval']);
    refusals.push([await svc.press(`${pending.id.slice(0, 31)}!`, APPROVER), 'unknown-id']);
    clock.now = new Date('2025-06-01T11:00:01Z');
    refusals.push([await svc.press(stale.id, APPROVER), 'expired']);
    // Back to before the others expire: their refusals must not have moved them on.
    clock.now = new Date('2025-06-01T10:30:00Z');
    for (const [result, reason] of refusals) {
      expect(result).toMatchObject({ kind: 'refused', reason });
      if (result.kind === 'refused' && result.record) {
        const executed = await svc.execute(result.record);
        expect(executed).toEqual(await svc.get(result.record.id));
        expect(executed.executionStartedAt).toBeUndefined();
      }
    }
    expect(a.emulator.requests).toEqual([]);
    expect(await svc.get(pending.id)).toMatchObject({ state: 'pending' });
    expect(await svc.get(own.id)).toMatchObject({ state: 'pending' });
    expect(await svc.get(stale.id)).toMatchObject({ state: 'expired' });
    expect(pullGrantsFor(a.emulator, a.plan)).toBe(0);
  });

  test('a second approver after a finished grant is refused and nothing is written again', async () => {
    const a = await azure();
    const { services } = fileServices(a);
    const { id } = await services[0].create({ plan: a.plan, requester: REQUESTER, summary: 's' });
    const first = await services[0].press(id, APPROVER);
    expect(first.kind).toBe('accepted');
    await services[0].execute(first.record as ApprovalRecord);
    a.emulator.clearRequests();

    const second = await services[1].press(id, SECOND_APPROVER);
    expect(second).toMatchObject({ kind: 'refused', reason: 'already-handled', record: { state: 'granted' } });
    if (second.kind === 'refused')
      expect(refusalNotice(second.reason, second.record, SECOND_APPROVER).text).toMatch(/Already approved by Ana Approver.*granted/);
    await services[1].execute(second.record as ApprovalRecord);
    await services[0].execute(first.record as ApprovalRecord);
    expect(a.emulator.requests).toEqual([]);
  });
});

describe('failed grants are recorded, not thrown', () => {
  test('ARM refuses the role-assignment write: the record says failed with the reason, no verification', async () => {
    const a = await azure();
    a.emulator.setFaults([
      {
        method: 'PUT',
        path: '/providers/Microsoft.Authorization/roleAssignments/',
        status: 403,
        code: 'AuthorizationFailed',
        message: 'The client does not have authorization to perform action Microsoft.Authorization/roleAssignments/write.',
      },
    ]);
    const { services, audit } = fileServices(a);
    const { id } = await services[0].create({ plan: a.plan, requester: REQUESTER, summary: 's' });
    const press = await services[0].press(id, APPROVER);
    const done = await services[0].execute(press.record as ApprovalRecord);
    expect(done.state).toBe('failed');
    expect(done.outcome?.status).toMatch(/^(forbidden|failed)$/);
    expect(done.verification).toBeUndefined();
    expect(await services[1].get(id)).toMatchObject({ state: 'failed', outcome: done.outcome });
    expect(pullGrantsFor(a.emulator, a.plan)).toBe(0);
    const grant = (await audit.recent(10)).find((e) => e.kind === 'grant' && e.approvalId === id);
    expect(grant?.reason).toMatch(/authoriz/i);
  });

  test('the engine call is aborted mid-write: execute resolves with a failed record', async () => {
    const a = await azure();
    a.emulator.setFaults([{ method: 'PUT', path: '/providers/Microsoft.Authorization/roleAssignments/', hang: true }]);
    const { services } = fileServices(a);
    const { id } = await services[0].create({ plan: a.plan, requester: REQUESTER, summary: 's' });
    const press = await services[0].press(id, APPROVER);
    const done = await services[0].execute(press.record as ApprovalRecord, { signal: AbortSignal.timeout(500) });
    expect(done).toMatchObject({ state: 'failed', outcome: { status: 'failed' } });
    expect(await services[1].get(id)).toMatchObject({ state: 'failed' });
  });
});
