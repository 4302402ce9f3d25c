/**
 * Unbounded growth and flooding. The earlier bot kept an SDK client per subscription id forever (2,000
 * triages naming random subscriptions retained ~100 MB), queued every triage anyone asked for, and let one
 * person (or a script) start as many as they liked. Now clients are kept in an LRU, the queue has a cap with a
 * "try again" answer (the work scheduler's maxWaiting, TRIAGE_QUEUE_LIMIT: src/scheduling/work-scheduler.test.ts), and
 * each person has a rate (TRIAGE_RATE_LIMIT).
 */
import { type App } from '../../src/index';
import { startTestBot, type TestBot } from '../support/test-bot';
import { FakeConnector, cardText } from '../e2e/fake-connector';
import { NICK, RITA, mention } from '../e2e/teams';

// The LRU that bounds SDK clients per subscription is pinned exactly in src/limits/lru.test.ts and its use in
// src/azure/clients.ts. A heap-growth assertion here was dropped: inside a full jest run the measured growth
// ranged from 10 MB to 575 MB (collection timing in a shared worker), so it could not tell bounded from unbounded.

describe('per-person rate over the real server', () => {
  let connector: FakeConnector;
  let app: App;

  let bot: TestBot;

  beforeAll(async () => {
    bot = await startTestBot({ name: 'limits', env: { TRIAGE_RATE_LIMIT: '2', TRIAGE_PODS: 'false' } });
    ({ app, connector } = bot);
  });

  afterAll(() => bot?.close());

  async function check(user: typeof RITA): Promise<string> {
    const from = connector.sent.length;
    await fetch(`${app.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mention(connector.url, user, 'check aks-healthy acrdemo')),
    });
    const first = await connector.waitFor((s) => s.method === 'POST' && cardText(s.activity).length > 0, { from });
    return cardText(first.activity);
  }

  test('the third check in a minute from one person is not started and says when to retry; another person is served', async () => {
    expect(await check(RITA)).not.toMatch(/Not checked/);
    expect(await check(RITA)).not.toMatch(/Not checked/);
    const armBefore = app.emulator?.requests.length ?? 0;
    const third = await check(RITA);
    expect(third).toMatch(/Not checked/);
    expect(third).toMatch(/Try again in \d+ s/);
    expect(await check(NICK)).not.toMatch(/Not checked/);
    await app.core.background.idle();
    // Nick's triage made requests; Rita's third made none: compare against a run without hers.
    expect(app.emulator?.requests.length).toBeGreaterThan(armBefore);
  });
});
