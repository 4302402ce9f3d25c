/**
 * The alert responder against the real engine on the emulator and real file storage, with a recording
 * channel at the port (the edge): the dedup window, resolution by fingerprint, a re-check that finds nothing
 * failing, and two instances sharing one storage counting into one incident.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Alert } from '../../src/alerts/alert';
import { IncidentStore } from '../../src/alerts/incidents';
import type { MessageLocation } from '../../src/conversation/location';
import type { ChannelPort, ConversationView } from '../../src/conversation/port';
import { AlertResponder } from '../../src/alerts/responder';
import { AlertRouter, type Destination } from '../../src/alerts/routing';
import { createAzureClients } from '../../src/azure/clients';
import { createTriageEngine } from '../../src/azure/engine';
import { ApprovalService } from '../../src/conversation/approvals';
import { BackgroundWork, type Logger } from '../../src/conversation/background';
import { CardStore } from '../../src/conversation/card-store';
import { createEmulator, type ArmEmulator } from '../../src/simulator/emulator';
import { demoWorld } from '../../src/simulator/scenarios';
import { FileAuditLog, FileStorage } from '../../src/storage';
import { coalescingEngine } from '../../src/triage/coalescing-engine';
import { POD_DEADLINE_MS, READ_DEADLINE_MS } from '../support/scenario-engine';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const DESTINATION: Destination = { channel: 'slack', channelId: 'C0ONCALL' };

/** The channel port at the edge, recording what the core posts and replaces (a Slack channel here). */
class RecordingPort implements ChannelPort {
  readonly posts: { id: string; view: ConversationView }[] = [];
  readonly updates: { id: string; view: ConversationView }[] = [];
  private n = 0;
  async post(where: MessageLocation, view: ConversationView): Promise<MessageLocation> {
    const id = `m${++this.n}`;
    this.posts.push({ id, view });
    return { channel: 'slack', conversation: where.channel === 'slack' ? where.conversation : '', messageTs: id };
  }
  async replace(at: MessageLocation, view: ConversationView): Promise<void> {
    this.updates.push({ id: at.channel === 'slack' ? (at.messageTs ?? '') : '', view });
  }
  async answerPrivately(): Promise<void> {
    throw new Error('alerts answer nobody privately');
  }
  last(id: string): ConversationView | undefined {
    return [...this.updates].reverse().find((u) => u.id === id)?.view;
  }
}

const bannerOf = (view: ConversationView | undefined): string[] => (view && 'banner' in view && view.banner ? view.banner.lines : []);

let emulator: ArmEmulator;
let dataDir: string;
beforeEach(() => {
  emulator = createEmulator({ world: demoWorld() });
  dataDir = mkdtempSync(path.join(tmpdir(), 'alert-responder-'));
});
afterEach(async () => {
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function instance(o: { now?: () => Date; windowMs?: number } = {}) {
  const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
  const engine = coalescingEngine(
    createTriageEngine({ clients, readDeadlineMs: READ_DEADLINE_MS, podDeadlineMs: POD_DEADLINE_MS, podPollIntervalMs: 20 }),
  );
  // What createStorage and createAuditLog make for a data directory, built directly: instance() is synchronous.
  const storage = new FileStorage({ directory: path.join(dataDir, 'state') });
  const audit = new FileAuditLog({ file: path.join(dataDir, 'audit.jsonl') });
  const approvals = new ApprovalService({ storage, audit, engine, approvers: [], allowSelfApproval: false, ttlMs: 3_600_000 });
  const background = new BackgroundWork(quiet);
  const channel = new RecordingPort();
  const incidents = new IncidentStore(storage);
  const responder = new AlertResponder({
    engine,
    approvals,
    audit,
    cards: new CardStore(storage),
    incidents,
    router: new AlertRouter([], DESTINATION),
    delivery: { ports: { slack: channel }, locate: async (d) => ({ channel: 'slack', conversation: d.channel === 'slack' ? d.channelId : '' }) },
    background,
    log: quiet,
    windowMs: o.windowMs ?? 3_600_000,
    refreshDelayMs: 10,
    now: o.now,
  });
  return { responder, channel, background, incidents };
}

const alert = (cluster: string, fingerprint: string, status: Alert['status'] = 'firing'): Alert => ({
  source: 'alertmanager',
  name: 'KubePodImagePullBackOff',
  severity: 'critical',
  status,
  fingerprint,
  startsAt: '2026-12-03T02:13:00.000Z',
  cluster,
});

test('repeats within the window are counted into one card; after the window a new incident gets a new card', async () => {
  let now = new Date('2026-12-03T02:13:00Z');
  const a = instance({ now: () => now, windowMs: 10 * 60_000 });
  expect(await a.responder.handle(alert('aks-missing-role', 'f1'))).toMatchObject({ status: 'triaging' });
  now = new Date('2026-12-03T02:20:00Z');
  expect(await a.responder.handle(alert('aks-missing-role', 'f2'))).toMatchObject({ status: 'counted', count: 2 });
  await a.background.idle();
  expect(a.channel.posts).toHaveLength(1);
  const card = a.channel.last('m1');
  expect(card?.kind).toBe('findings');
  expect(bannerOf(card)).toEqual([
    '🔔 Alert: KubePodImagePullBackOff · critical · first fired 02:13 UTC',
    'Seen 2 times since 02:13, last 02:20 UTC',
  ]);
  expect((await a.incidents.get('slack:C0ONCALL|aks-missing-role'))?.count).toBe(2);

  now = new Date('2026-12-03T02:31:00Z');
  expect(await a.responder.handle(alert('aks-missing-role', 'f3'))).toMatchObject({ status: 'triaging' });
  await a.background.idle();
  expect(a.channel.posts).toHaveLength(2);
});

test('resolved only when the last firing fingerprint resolves; a Resolved for nothing open is ignored with a reason', async () => {
  const a = instance();
  await a.responder.handle(alert('aks-missing-role', 'f1'));
  await a.responder.handle(alert('aks-missing-role', 'f2'));
  await a.background.idle();
  expect(await a.responder.handle(alert('aks-missing-role', 'f1', 'resolved'))).toMatchObject({ status: 'counted' });
  expect(await a.responder.handle(alert('aks-missing-role', 'f2', 'resolved'))).toMatchObject({ status: 'resolved' });
  await a.background.idle();
  expect(bannerOf(a.channel.last('m1')).at(-1)).toMatch(/^✅ Resolved at \d\d:\d\d UTC \(the alert says so\)$/);
  expect(await a.responder.handle(alert('aks-firewall', 'x', 'resolved'))).toMatchObject({
    status: 'ignored',
    reason: expect.stringMatching(/no open incident/),
  });
});

test('a triage that finds no pod failing to pull resolves the incident at once (a re-check passed)', async () => {
  const a = instance();
  await a.responder.handle(alert('aks-healthy', 'h1'));
  await a.background.idle();
  const card = a.channel.last('m1');
  expect(card).toMatchObject({ kind: 'notice', view: { title: 'aks-healthy: no pod is failing to pull' } });
  expect(bannerOf(card).at(-1)).toMatch(/\(a re-check passed\)$/);
  expect((await a.incidents.get('slack:C0ONCALL|aks-healthy'))?.state).toBe('resolved');
});

test('two instances sharing one storage count into the same incident and card', async () => {
  const a = instance();
  const b = instance();
  expect(await a.responder.handle(alert('aks-missing-role', 'f1'))).toMatchObject({ status: 'triaging' });
  await a.background.idle();
  for (let i = 0; i < 5; i++) await b.responder.handle(alert('aks-missing-role', `b${i}`));
  for (let i = 0; i < 5; i++) await a.responder.handle(alert('aks-missing-role', `a${i}`));
  await Promise.all([a.background.idle(), b.background.idle()]);
  expect(a.channel.posts.length + b.channel.posts.length).toBe(1);
  const incident = await a.incidents.get('slack:C0ONCALL|aks-missing-role');
  expect(incident?.count).toBe(11);
  expect(new Set(incident?.firing)).toEqual(new Set(['f1', 'a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']));
});
