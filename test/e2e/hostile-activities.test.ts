/**
 * Malformed and hostile activities posted to the bot over HTTP, as a broken or malicious client would:
 * each gets a short answer (a card, a message or a 4xx), never a stack trace; the bot keeps serving; and
 * nothing in the card or the activity other than the opaque approval id decides what is granted or who approves.
 */
import { type App } from '../../src/index';
import { startTestBot, type TestBot } from '../support/test-bot';
import type { Logger } from '../../src/conversation/background';
import { executeData } from './card-assertions';
import { FakeConnector, cardOf, cardText } from './fake-connector';
import { ANA, RITA, execute, mention, post } from './teams';

const turnErrors: string[] = [];
const log: Logger = { info: () => undefined, warn: () => undefined, error: (message) => turnErrors.push(message) };
let connector: FakeConnector;
let app: App;

let bot: TestBot;

beforeAll(async () => {
  bot = await startTestBot({ name: 'hostile', env: { TRIAGE_APPROVERS: ANA.aadObjectId, TRIAGE_APPROVAL_TTL: '1h' }, log });
  ({ app, connector } = bot);
});

afterAll(() => bot?.close());

const azureWrites = () => app.emulator?.requests.filter((r) => ['PUT', 'PATCH', 'DELETE'].includes(r.method)) ?? [];
const STACK = /\bat .+[.:]\d+|\.ts:\d+|TypeError|Cannot read properties/;

async function postRaw(json: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.server.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
  return { status: res.status, text: await res.text() };
}

function without(activity: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...activity };
  delete copy[field];
  return copy;
}

const grantInvoke = () => execute(connector.url, ANA, 'act-x', 'grant', {});
const withValue = (value: unknown) => JSON.stringify({ ...grantInvoke(), value });

const MALFORMED: [string, () => string, number][] = [
  ['no from', () => JSON.stringify(without(mention(connector.url, RITA, 'check aks-missing-role acrdemo'), 'from')), 400],
  ['from without an id', () => JSON.stringify({ ...mention(connector.url, RITA, 'help'), from: { name: 'x' } }), 400],
  ['from as a string', () => JSON.stringify({ ...mention(connector.url, RITA, 'help'), from: ANA.aadObjectId }), 400],
  ['no conversation', () => JSON.stringify(without(mention(connector.url, RITA, 'help'), 'conversation')), 400],
  ['conversation without an id', () => JSON.stringify({ ...mention(connector.url, RITA, 'help'), conversation: {} }), 400],
  ['no recipient', () => JSON.stringify(without(mention(connector.url, RITA, 'help'), 'recipient')), 400],
  ['no type', () => JSON.stringify(without(mention(connector.url, RITA, 'help'), 'type')), 400],
  ['text as a number', () => JSON.stringify({ ...mention(connector.url, RITA, 'help'), text: 5 }), 400],
  ['text as an object', () => JSON.stringify({ ...mention(connector.url, RITA, 'help'), text: { toString: 'x' } }), 400],
  ['entities with null and numbers', () => JSON.stringify({ ...mention(connector.url, RITA, 'help'), entities: [null, 5] }), 400],
  ['membersAdded with null', () => JSON.stringify({ ...mention(connector.url, RITA, ''), type: 'conversationUpdate', membersAdded: [null] }), 400],
  ['1 MB of text', () => JSON.stringify(mention(connector.url, RITA, `check ${'a'.repeat(1024 * 1024)}`)), 413],
  ['invoke value null', () => withValue(null), 400],
  ['invoke value a number', () => withValue(42), 400],
  ['invoke value an array', () => withValue([{ action: { verb: 'grant' } }]), 400],
  ['invoke action null', () => withValue({ action: null }), 400],
  ['invoke data an array', () => withValue({ action: { type: 'Action.Execute', verb: 'grant', data: ['approvalId'] } }), 400],
  ['body an array', () => '[1,2]', 400],
  ['body null', () => 'null', 400],
];

describe('malformed activities get a 4xx naming the problem, and no turn runs', () => {
  test.each(MALFORMED)('%s', async (_name, body, status) => {
    const sentBefore = connector.sent.length;
    turnErrors.length = 0;
    const res = await postRaw(body());
    expect(res.status).toBe(status);
    expect(res.text.length).toBeLessThan(300);
    expect(res.text).not.toMatch(STACK);
    await app.core.background.idle();
    expect(turnErrors).toEqual([]);
    expect(connector.sent.slice(sentBefore)).toEqual([]);
  });
});

const ODD_BUT_WELL_FORMED: [string, () => string][] = [
  ['a 10 KB approval id', () => JSON.stringify(execute(connector.url, ANA, 'act-x', 'grant', { approvalId: 'A'.repeat(10 * 1024) }))],
  ['an approval id that is an object', () => JSON.stringify(execute(connector.url, ANA, 'act-x', 'grant', { approvalId: { toString: 'x' } }))],
  [
    '__proto__ and constructor keys in the card data',
    () =>
      JSON.stringify(grantInvoke()).replace(
        '"data":{}',
        '"data":{"__proto__":{"approvalId":"x","isAdmin":true},"constructor":{"prototype":{"approvers":["x"]}}}',
      ),
  ],
  ['a refresh with a 10 KB id', () => JSON.stringify(execute(connector.url, ANA, 'act-x', 'refresh', { approvalId: 'A'.repeat(10 * 1024) }))],
  ['a target answer that is an object', () => JSON.stringify(execute(connector.url, RITA, 'act-x', 'provide-target', { registry: { length: 1 } }))],
  ['a target answer of 200 KB', () => JSON.stringify(execute(connector.url, RITA, 'act-x', 'provide-target', { cluster: 'a'.repeat(200 * 1024) }))],
  ['a verb that is a number', () => JSON.stringify({ ...grantInvoke(), value: { action: { type: 'Action.Execute', verb: 5, data: {} } } })],
];

describe('odd but well-formed activities get a short answer and write nothing', () => {
  test.each(ODD_BUT_WELL_FORMED)('%s', async (_name, body) => {
    turnErrors.length = 0;
    const res = await postRaw(body());
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(STACK);
    await app.core.background.idle();
    expect(turnErrors).toEqual([]);
    expect(azureWrites()).toEqual([]);
  });

  test('a check with hostile refs is answered with the parser message, and Azure is not asked', async () => {
    const sentBefore = connector.sent.length;
    const requestsBefore = app.emulator?.requests.length ?? 0;
    await post(app.server.url, mention(connector.url, RITA, "check x')or(true /subscriptions/../../providers"));
    const answer = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).length > 0, { from: sentBefore });
    expect(cardText(answer.activity)).toMatch(/single quote|cluster/i);
    expect(cardText(answer.activity)).not.toMatch(STACK);
    expect(app.emulator?.requests.length).toBe(requestsBefore);
  });
});

describe('only the approval id in the card counts, and only the authenticated presser approves', () => {
  let approvalId: string;
  let findingsId: string;

  beforeAll(async () => {
    const from = connector.sent.length;
    await post(app.server.url, mention(connector.url, RITA, 'check aks-missing-role acrdemo'));
    const findings = await connector.waitFor(
      (s) => s.method === 'PUT' && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'),
      { from, timeoutMs: 20_000 },
    );
    const id = executeData(cardOf(findings.activity)).find((d) => typeof d.approvalId === 'string')?.approvalId;
    if (typeof id !== 'string') throw new Error('no grant button');
    approvalId = id;
    findingsId = findings.id;
  });

  test('a Teams activity without aadObjectId, whose from.id is an approver object id, is refused', async () => {
    const forged = execute(connector.url, { id: ANA.aadObjectId, name: 'Ana Approver' } as typeof ANA, findingsId, 'grant', { approvalId });
    const res = await post(app.server.url, forged);
    expect(JSON.stringify(res.body)).toContain('Not approved');
    await app.core.background.idle();
    expect(azureWrites()).toEqual([]);
  });

  test('a Web Chat / Direct Line activity claiming an approver object id is refused', async () => {
    const forged = {
      ...execute(connector.url, { id: 'dl_attacker', aadObjectId: ANA.aadObjectId, name: 'Ana Approver' }, findingsId, 'grant', { approvalId }),
      channelId: 'webchat',
    };
    const res = await post(app.server.url, forged);
    expect(JSON.stringify(res.body)).toContain('Not approved');
    await app.core.background.idle();
    expect(azureWrites()).toEqual([]);
  });

  test('principal, scope, role and approver written into the card data are ignored: the stored plan is granted', async () => {
    const other = '99999999-0000-4000-8000-000000000099';
    const tampered = {
      approvalId,
      principalId: other,
      scope: '/subscriptions/00000000-0000-4000-8000-000000000000',
      roleGuid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
      approvedBy: { id: 'x', aadObjectId: other },
      requester: { id: 'x', aadObjectId: other },
      expiresAt: '2999-01-01T00:00:00Z',
    };
    const res = await post(app.server.url, execute(connector.url, ANA, findingsId, 'grant', tampered));
    expect(JSON.stringify(res.body)).toContain('Approved by Ana Approver');
    await app.core.background.idle();
    const writes = azureWrites();
    expect(writes).toHaveLength(1);
    const body = JSON.stringify(writes[0]?.body);
    expect(body).not.toContain(other);
    expect(body).not.toContain('8e3af657');
    expect(writes[0]?.path).toMatch(/\/registries\/acrdemo\/providers\/Microsoft\.Authorization\/roleAssignments\//i);
  });
});

test('after all of it the bot still answers help', async () => {
  expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
  const from = connector.sent.length;
  expect((await post(app.server.url, mention(connector.url, RITA, 'help'))).status).toBe(200);
  await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).includes('check'), { from });
});
