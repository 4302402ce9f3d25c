/**
 * Pressing the approval button: validation, refusals, expiry, restarts, and the exactly-once claim across
 * two ApprovalService instances sharing real storage (a directory, or one Azurite container).
 * No Azure here: press never calls the engine (the guard engine below fails the test if it is called);
 * the end-to-end execution runs in approvals-execute.test.ts against the ARM emulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Storage, StoreItems } from 'botbuilder';
import { ContainerClient } from '@azure/storage-blob';
import { ApprovalService, isApprovalId, type Person } from '../../src/conversation/approvals';
import { refusalNotice } from '../../src/conversation/wording';
import { AzureBlobStorage } from '../../src/storage/blob-storage';
import { FileStorage } from '../../src/storage/file-storage';
import { BlobAuditLog, FileAuditLog, type AuditLog } from '../../src/storage/audit';
import type { TriageEngine } from '../../src/triage/engine';
import type { GrantPlan } from '../../src/triage/remediation';
import { startAzurite, type Azurite } from '../support/azurite';

const APPROVER: Person = { id: '29:approver', aadObjectId: '6f1a2b3c-0000-4000-8000-00000000a001', name: 'Ana Approver', channel: 'msteams' };
const SECOND_APPROVER: Person = { id: '29:second', aadObjectId: '6F1A2B3C-0000-4000-8000-00000000A002', name: 'Sam Second', channel: 'msteams' };
const REQUESTER: Person = { id: '29:requester', aadObjectId: '6f1a2b3c-0000-4000-8000-00000000b001', name: 'Rui Requester', channel: 'msteams' };
const SLACK_APPROVER: Person = { id: 'U024BE7LH', name: 'slack-approver', channel: 'slack' };
const APPROVERS = [APPROVER.aadObjectId!, SECOND_APPROVER.aadObjectId!.toLowerCase(), `slack:${SLACK_APPROVER.id}`];

const PLAN: GrantPlan = {
  scope: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr',
  registryName: 'myacr',
  registryLoginServer: 'myacr.azurecr.io',
  registryMode: 'LegacyRegistryPermissions',
  roleGuid: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  roleName: 'AcrPull',
  roleDefinitionId: '/subscriptions/00000000-0000-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d',
  principalId: '11111111-2222-4333-8444-555555555555',
  principalType: 'ServicePrincipal',
  principalName: 'aks-prod-agentpool',
  clusterId: '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/aks-prod',
  clusterName: 'aks-prod',
  azCommand: 'az role assignment create --assignee-object-id 11111111-2222-4333-8444-555555555555 --assignee-principal-type ServicePrincipal --role AcrPull --scope /subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/myacr',
};

/** Press must never reach Azure; any call fails the test through `calls`. */
function guardEngine(): TriageEngine & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    triage: () => {
      calls.push('triage');
      return Promise.reject(new Error('press must not triage'));
    },
    readClusterPods: () => {
      calls.push('readClusterPods');
      return Promise.reject(new Error('press must not read pods'));
    },
    grant: () => {
      calls.push('grant');
      return Promise.reject(new Error('press must not grant'));
    },
    verify: () => {
      calls.push('verify');
      return Promise.reject(new Error('press must not verify'));
    },
  };
}

/** Delegates to the real storage and remembers every key it was asked about. */
function observed(storage: Storage): Storage & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    read: (k: string[]) => {
      keys.push(...k);
      return storage.read(k);
    },
    write: (changes: StoreItems) => {
      keys.push(...Object.keys(changes));
      return storage.write(changes);
    },
    delete: (k: string[]) => {
      keys.push(...k);
      return storage.delete(k);
    },
  };
}

const directories: string[] = [];
function tempDir(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'triage-approvals-'));
  directories.push(directory);
  return directory;
}

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

interface Fixture {
  service: ApprovalService;
  storage: Storage & { keys: string[] };
  audit: AuditLog;
  engine: ReturnType<typeof guardEngine>;
  clock: { now: Date };
}

function fixture(options: { directory?: string; allowSelfApproval?: boolean; ttlMs?: number } = {}): Fixture {
  const directory = options.directory ?? tempDir();
  const storage = observed(new FileStorage({ directory: path.join(directory, 'state') }));
  const audit = new FileAuditLog({ file: path.join(directory, 'audit.jsonl') });
  const engine = guardEngine();
  const clock = { now: new Date('2025-06-01T10:00:00Z') };
  const service = new ApprovalService({
    storage,
    audit,
    engine,
    approvers: APPROVERS,
    allowSelfApproval: options.allowSelfApproval ?? false,
    ttlMs: options.ttlMs ?? 60 * 60 * 1000,
    now: () => clock.now,
  });
  return { service, storage, audit, engine, clock };
}

async function requested(f: Fixture): Promise<string> {
  const record = await f.service.create({ plan: PLAN, requester: REQUESTER, summary: 'problems: rbac.pull-role fail' });
  return record.id;
}

describe('create', () => {
  test('issues an unguessable id, stores the record pending with its expiry, and audits the request', async () => {
    const f = fixture();
    const a = await f.service.create({ plan: PLAN, requester: REQUESTER, summary: 'problems: rbac.pull-role fail' });
    const b = await f.service.create({ plan: PLAN, requester: REQUESTER, summary: 'again' });
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(24);
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ state: 'pending', createdAt: '2025-06-01T10:00:00.000Z', expiresAt: '2025-06-01T11:00:00.000Z' });
    expect(await f.service.get(a.id)).toEqual(a);
    const [entry] = await f.audit.recent(2);
    expect(entry).toMatchObject({ kind: 'approval-requested', approvalId: a.id, actor: { aadObjectId: REQUESTER.aadObjectId }, plan: PLAN });
  });

  test('create records the message to update', async () => {
    const f = fixture();
    const { id } = await f.service.create({ plan: PLAN, requester: REQUESTER, summary: 's', location: { channel: 'slack', conversation: 'C1', messageTs: '1.2' } });
    expect((await f.service.get(id))?.location).toEqual({ channel: 'slack', conversation: 'C1', messageTs: '1.2' });
  });

  test('a record written before locations existed still names its message', async () => {
    const f = fixture();
    const id = await requested(f);
    const key = `approvals/${id}`;
    const stored = { ...(await f.storage.read([key]))[key], eTag: '*' };
    await f.storage.write({ [key]: { ...stored, conversation: { channelId: 'slack', conversation: { id: 'C9' } }, activityId: '9.9' } });
    expect((await f.service.get(id))?.location).toEqual({ channel: 'slack', conversation: 'C9', messageTs: '9.9' });
    await f.storage.write({ [key]: { ...stored, conversation: { channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: '19:x' } }, activityId: 'a-1' } });
    expect((await f.service.get(id))?.location).toEqual({ channel: 'teams', reference: { channelId: 'msteams', serviceUrl: 'https://smba.example/', conversation: { id: '19:x' } }, messageId: 'a-1' });
  });
});

describe('isApprover', () => {
  test.each([
    ['Teams approver by object id', APPROVER, true],
    ['object id matched without regard to case', SECOND_APPROVER, true],
    ['requester not on the list', REQUESTER, false],
    ['Slack approver by slack:<id>', SLACK_APPROVER, true],
    ['Slack user id on another channel', { ...SLACK_APPROVER, channel: 'msteams' }, false],
    ['Teams person without an object id, whose channel id is an approver object id', { id: APPROVER.aadObjectId!, channel: 'msteams' }, false],
    ['Slack person claiming an approver object id', { id: 'U999', aadObjectId: APPROVER.aadObjectId, channel: 'slack' }, false],
  ])('%s', (_label, person, expected) => {
    expect(fixture().service.isApprover(person as Person)).toBe(expected);
  });
});

describe('press refusals leave the record as it was', () => {
  async function refusedCase(f: Fixture, id: string, presser: Person, reason: string): Promise<void> {
    const before = await f.service.get(id);
    const result = await f.service.press(id, presser);
    expect(result).toMatchObject({ kind: 'refused', reason });
    if (result.kind === 'refused') expect(refusalNotice(result.reason, result.record, presser).text.length).toBeGreaterThan(20);
    if (before) expect({ ...(await f.service.get(id)), state: before.state }).toEqual(before);
    expect(f.engine.calls).toEqual([]);
    const [last] = (await f.audit.recent(1)).slice(-1);
    expect(last).toMatchObject({ kind: 'approval-refused', actor: { id: presser.id } });
    expect(last.reason).toMatch(new RegExp(`^${reason}`));
  }

  test('a non-approver is refused', async () => {
    const f = fixture();
    const id = await requested(f);
    await refusedCase(f, id, { id: '29:random', aadObjectId: '99999999-0000-4000-8000-000000000000', name: 'Random Person', channel: 'msteams' }, 'not-approver');
    expect((await f.service.get(id))?.state).toBe('pending');
  });

  test('the requester cannot approve their own request, even when they are an approver', async () => {
    const f = fixture();
    const record = await f.service.create({ plan: PLAN, requester: APPROVER, summary: 's' });
    await refusedCase(f, record.id, { ...APPROVER, name: 'same person, other display name' }, 'self-approval');
    expect((await f.service.get(record.id))?.state).toBe('pending');
  });

  test('self-approval is accepted when TRIAGE_ALLOW_SELF_APPROVAL is on', async () => {
    const f = fixture({ allowSelfApproval: true });
    const record = await f.service.create({ plan: PLAN, requester: APPROVER, summary: 's' });
    const result = await f.service.press(record.id, APPROVER);
    expect(result).toMatchObject({ kind: 'accepted', record: { state: 'approved', approvedBy: APPROVER } });
  });

  test('an expired approval is refused, stored as expired, and stays refused', async () => {
    const f = fixture({ ttlMs: 30 * 60 * 1000 });
    const id = await requested(f);
    f.clock.now = new Date('2025-06-01T10:29:59Z');
    expect((await f.service.get(id))?.state).toBe('pending');
    f.clock.now = new Date('2025-06-01T10:30:00Z');
    expect((await f.service.get(id))?.state).toBe('expired');
    const result = await f.service.press(id, APPROVER);
    expect(result).toMatchObject({ kind: 'refused', reason: 'expired', record: { state: 'expired' } });
    expect(f.engine.calls).toEqual([]);
    expect((await f.storage.read([`approvals/${id}`]))[`approvals/${id}`].state).toBe('expired');
    expect(await f.service.press(id, SECOND_APPROVER)).toMatchObject({ kind: 'refused', reason: 'expired' });
  });

  test('an approval already approved is refused for the next approver', async () => {
    const f = fixture();
    const id = await requested(f);
    expect(await f.service.press(id, APPROVER)).toMatchObject({ kind: 'accepted' });
    await refusedCase(f, id, SECOND_APPROVER, 'already-handled');
    const result = await f.service.press(id, APPROVER);
    expect(result).toMatchObject({ kind: 'refused', reason: 'already-handled', record: { approvedBy: APPROVER } });
    if (result.kind === 'refused') expect(refusalNotice(result.reason, result.record, APPROVER).text).toContain('Ana Approver');
  });

  test.each([
    ['empty', ''],
    ['path traversal', '../../state/k-approvals_2fabc'],
    ['another key', 'approvals/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['one character short', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['one character long', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['base64 with padding characters', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=='],
    ['non-ASCII', 'ÄAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['huge', 'A'.repeat(100_000)],
  ])('a tampered id (%s) is unknown-id and never reaches storage', async (_label, tampered) => {
    const f = fixture();
    const id = await requested(f);
    const keysBefore = f.storage.keys.length;
    expect(isApprovalId(tampered)).toBe(false);
    await refusedCase(f, tampered, APPROVER, 'unknown-id');
    expect(f.storage.keys.slice(keysBefore).filter((key) => key !== `approvals/${id}`)).toEqual([]);
    expect((await f.service.get(id))?.state).toBe('pending');
  });

  test('a well-formed id that was never issued is unknown-id', async () => {
    const f = fixture();
    await requested(f);
    await refusedCase(f, 'B'.repeat(32), APPROVER, 'unknown-id');
  });
});

describe('restart', () => {
  test('a pending approval created before a restart can be approved after it, once', async () => {
    const directory = tempDir();
    const before = fixture({ directory });
    const { id } = await before.service.create({ plan: PLAN, requester: REQUESTER, summary: 's', location: { channel: 'slack', conversation: 'C1', messageTs: '1.1' } });

    const after = fixture({ directory });
    expect(await after.service.get(id)).toMatchObject({ state: 'pending', location: { messageTs: '1.1' }, plan: PLAN });
    expect(await after.service.press(id, APPROVER)).toMatchObject({ kind: 'accepted', record: { state: 'approved' } });
    expect(await fixture({ directory }).service.press(id, SECOND_APPROVER)).toMatchObject({ kind: 'refused', reason: 'already-handled' });
  });
});

describe('exactly one press wins', () => {
  /** Both services' audit logs write to one shared place; `audits[0]` reads it back. */
  /** A conditional write of the record that changes no field the press reads. */
  async function touch(storage: Storage, id: string): Promise<void> {
    const key = `approvals/${id}`;
    const item = (await storage.read([key]))[key];
    await storage.write({ [key]: { ...item, summary: `${String(item.summary)} (touched)` } }).catch(() => undefined);
  }

  async function race(storages: [Storage, Storage], audits: [AuditLog, AuditLog]): Promise<void> {
    const engine = guardEngine();
    const services = storages.map(
      (storage, i) => new ApprovalService({ storage, audit: audits[i], engine, approvers: APPROVERS, allowSelfApproval: false, ttlMs: 3_600_000 }),
    );
    const { id } = await services[0].create({ plan: PLAN, requester: REQUESTER, summary: 's' });
    const pressers = Array.from({ length: 20 }, (_, i) => (i % 2 ? APPROVER : SECOND_APPROVER));
    const results = await Promise.all(
      pressers.map((presser, i) =>
        i === 7
          // Another writer of the record racing the presses must not make every press lose.
          ? touch(storages[1], id).then(() => services[1].press(id, presser))
          : services[i % 2].press(id, presser),
      ),
    );
    const accepted = results.filter((r) => r.kind === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'refused' && r.reason === 'already-handled')).toHaveLength(19);
    const stored = await services[1].get(id);
    expect(stored).toMatchObject({ state: 'approved', approvedBy: accepted[0].record?.approvedBy });
    expect(engine.calls).toEqual([]);
    const entries = await audits[0].recent(100);
    expect(entries.filter((e) => e.kind === 'approved' && e.approvalId === id)).toHaveLength(1);
    expect(entries.filter((e) => e.kind === 'approval-refused' && e.approvalId === id)).toHaveLength(19);
  }

  test('20 presses across two services over two file storages on one directory', async () => {
    const directory = tempDir();
    const audit = new FileAuditLog({ file: path.join(directory, 'audit.jsonl') });
    await race(
      [new FileStorage({ directory: path.join(directory, 'state') }), new FileStorage({ directory: path.join(directory, 'state') })],
      [audit, new FileAuditLog({ file: path.join(directory, 'audit.jsonl') })],
    );
  });

  test('20 presses across two services over two blob storages on one Azurite container', async () => {
    const container = azurite.uniqueContainer('approvals');
    const client = (): ContainerClient => new ContainerClient(azurite.connectionString, container);
    await race(
      [new AzureBlobStorage({ container: client() }), new AzureBlobStorage({ container: client() })],
      [new BlobAuditLog({ container: client() }), new BlobAuditLog({ container: client() })],
    );
  });
});
