/**
 * The alert storm: 500 alerts for 5 clusters within 10 s, POSTed to /api/alerts of the real server in demo
 * mode, each cluster routed to its own Teams channel (a fake Bot Connector on loopback). Beside it, the same
 * 5 clusters alerted once each, one at a time, on a fresh bot: what 5 single triages cost.
 * Reports cards posted per cluster, ARM requests (storm / singles) and alert → first card latency.
 */
import path from 'node:path';
import type { Logger } from '../src/conversation/background';
import { startApp, type App } from '../src/index';
import { BenchConnector, cardOf } from './support/connector';
import { max, median, percentile } from './support/stats';

export const STORM_CLUSTERS = ['aks-missing-role', 'aks-firewall', 'aks-tag-missing', 'aks-abac-acrpull', 'aks-pullsecret-missing'];
const ALERTS = 500;
const SPREAD_MS = 10_000;
const TOKEN = 'bench-alert-token-0123456789abcdef';
const DEADLINE_MS = 120_000;
const ARM_TARGET = 1.2;

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const channelOf = (cluster: string) => `19:bench-alerts-${cluster}@thread.tacv2`;

export interface StormFigures {
  alerts: number;
  answered: Record<number, number>;
  /** POST → 202, per alert. */
  intakeMs: number[];
  /** POST → the cluster's findings card reflecting this alert (its count), per alert. */
  reflectedMs: number[];
  /** First alert of each cluster → its first findings card. */
  firstCardMs: number[];
  cardsPerCluster: number[];
  armRequests: number;
  wallMs: number;
}

export interface SinglesFigures {
  firstCardMs: number[];
  armRequests: number;
}

function prometheusAlert(cluster: string, n: number, now: Date): unknown {
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/bench-${cluster}-${n}`,
        alertRule: 'KubeContainerWaitingImagePull',
        severity: 'Sev2',
        signalType: 'Metric',
        monitorCondition: 'Fired',
        monitoringService: 'Prometheus',
        alertTargetIDs: [
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-monitoring/providers/microsoft.monitor/accounts/amw-bench',
        ],
        firedDateTime: now.toISOString(),
      },
      alertContext: {
        labels: { alertname: 'KubeContainerWaitingImagePull', cluster, namespace: 'shop', pod: `pod-${n}`, reason: 'ImagePullBackOff' },
      },
    },
  };
}

async function startBot(dataDir: string, connector: BenchConnector): Promise<App> {
  const app = await startApp({
    env: {
      PORT: '0',
      TRIAGE_DATA_DIR: dataDir,
      TRIAGE_ALERT_TOKEN: TOKEN,
      TRIAGE_ALERT_ROUTES: JSON.stringify(STORM_CLUSTERS.map((cluster) => ({ cluster, channel: `teams:${channelOf(cluster)}` }))),
    },
    log: quiet,
    print: () => undefined,
  });
  // Installed in each channel: that is where the bot's conversation references come from.
  for (const cluster of STORM_CLUSTERS) {
    const activity = {
      type: 'conversationUpdate',
      id: `install-${cluster}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: '29:installer', aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Installer' },
      recipient: { id: '28:bot-app-id', name: 'triage' },
      conversation: { id: channelOf(cluster), conversationType: 'channel', isGroup: true, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
      membersAdded: [{ id: '28:bot-app-id', name: 'triage' }],
      channelData: { tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' } },
    };
    const res = await fetch(`${app.server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    await res.arrayBuffer();
  }
  await app.core.background.idle();
  return app;
}

async function postAlert(app: App, body: unknown): Promise<{ status: number; started: number; answeredAt: number; count: number }> {
  const started = performance.now();
  const res = await fetch(`${app.server.url}/api/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { alerts?: { status?: string; count?: number }[] };
  const outcome = json.alerts?.[0];
  return { status: res.status, started, answeredAt: performance.now(), count: outcome?.status === 'counted' ? (outcome.count ?? 1) : 1 };
}

/** The findings cards of a channel (not the progress card, not the welcome): each with the count its banner shows. */
function findingsArrivals(connector: BenchConnector, cluster: string): { at: number; id: string; count: number }[] {
  return connector
    .arrivals(channelOf(cluster))
    .filter((a) => a.method === 'PUT' && /Problems found|No problem found|Incomplete —/.test(JSON.stringify(cardOf(a.activity) ?? {})))
    .map((a) => {
      const seen = /Seen (\d+) times since/.exec(JSON.stringify(cardOf(a.activity)));
      return { at: a.at, id: a.id, count: seen ? Number(seen[1]) : 1 };
    });
}

async function settle(app: App, connector: BenchConnector, until: () => boolean): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!until() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await Promise.race([app.core.background.idle(), new Promise((r) => setTimeout(r, 15_000).unref())]);
  void connector;
}

export async function measureSingles(dataDir: string): Promise<SinglesFigures> {
  const connector = new BenchConnector();
  await connector.start();
  const app = await startBot(path.join(dataDir, 'singles'), connector);
  try {
    const before = app.emulator?.requests.length ?? 0;
    const firstCardMs: number[] = [];
    for (const [i, cluster] of STORM_CLUSTERS.entries()) {
      const sent = await postAlert(app, prometheusAlert(cluster, i, new Date()));
      await settle(app, connector, () => findingsArrivals(connector, cluster).length > 0);
      const first = findingsArrivals(connector, cluster)[0];
      if (first) firstCardMs.push(first.at - sent.started);
    }
    return { firstCardMs, armRequests: (app.emulator?.requests.length ?? 0) - before };
  } finally {
    await app.close(5_000);
    await connector.close();
  }
}

export async function measureStorm(dataDir: string): Promise<StormFigures> {
  const connector = new BenchConnector();
  await connector.start();
  const app = await startBot(path.join(dataDir, 'storm'), connector);
  try {
    const before = app.emulator?.requests.length ?? 0;
    const started = performance.now();
    const sends: Promise<{ cluster: string; status: number; started: number; answeredAt: number; count: number }>[] = [];
    for (let n = 0; n < ALERTS; n += 1) {
      const cluster = STORM_CLUSTERS[n % STORM_CLUSTERS.length];
      const due = started + (n * SPREAD_MS) / ALERTS;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      sends.push(postAlert(app, prometheusAlert(cluster, n, new Date())).then((r) => ({ cluster, ...r })));
    }
    const sent = await Promise.all(sends);
    const finalCount = (cluster: string) => Math.max(0, ...sent.filter((s) => s.cluster === cluster).map((s) => s.count));
    await settle(app, connector, () => STORM_CLUSTERS.every((c) => findingsArrivals(connector, c).some((a) => a.count >= finalCount(c))));
    const wallMs = performance.now() - started;
    const reflectedMs: number[] = [];
    const firstCardMs: number[] = [];
    for (const cluster of STORM_CLUSTERS) {
      const cards = findingsArrivals(connector, cluster);
      const mine = sent.filter((s) => s.cluster === cluster);
      const firstAlert = mine.reduce((a, b) => (b.started < a.started ? b : a));
      if (cards[0]) firstCardMs.push(cards[0].at - firstAlert.started);
      for (const s of mine) {
        const shown = cards.find((c) => c.at >= s.started && c.count >= s.count);
        if (shown) reflectedMs.push(shown.at - s.started);
      }
    }
    const answered: Record<number, number> = {};
    sent.forEach((s) => (answered[s.status] = (answered[s.status] ?? 0) + 1));
    return {
      alerts: sent.length,
      answered,
      intakeMs: sent.map((s) => s.answeredAt - s.started),
      reflectedMs,
      firstCardMs,
      cardsPerCluster: STORM_CLUSTERS.map((c) => new Set(findingsArrivals(connector, c).map((a) => a.id)).size),
      armRequests: (app.emulator?.requests.length ?? 0) - before,
      wallMs,
    };
  } finally {
    await app.close(5_000);
    await connector.close();
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 0) : '—');

export function printStorm(storm: StormFigures, singles: SinglesFigures): void {
  const ratio = storm.armRequests / singles.armRequests;
  const cards = storm.cardsPerCluster.reduce((a, b) => a + b, 0);
  console.log(
    `\n3. Alert storm — ${storm.alerts} alerts (Azure Monitor, managed Prometheus) for ${STORM_CLUSTERS.length} clusters within ${SPREAD_MS / 1000} s, each cluster routed to its own Teams channel; beside it the same ${STORM_CLUSTERS.length} clusters alerted once each, one at a time, on a fresh bot`,
  );
  console.log(
    `answers: ${Object.entries(storm.answered)
      .map(([status, n]) => `${n} × ${status}`)
      .join(
        ', ',
      )}; findings cards: ${cards} (${storm.cardsPerCluster.join(' / ')} per cluster); storm wall ${ms(storm.wallMs)} ms until every card showed its final count`,
  );
  console.log(
    `ARM requests: storm ${storm.armRequests}, ${STORM_CLUSTERS.length} single alerts ${singles.armRequests}: ratio ${ratio.toFixed(2)} (target ≤ ${ARM_TARGET})`,
  );
  console.log('measured                                           | p50 ms | p95 ms | max ms |   n');
  const row = (label: string, v: number[]) =>
    console.log(
      `${label.padEnd(51)}| ${ms(median(v)).padStart(6)} | ${ms(percentile(v, 95)).padStart(6)} | ${ms(max(v)).padStart(6)} | ${String(v.length).padStart(3)}`,
    );
  row('single alert → its first findings card', singles.firstCardMs);
  row('storm: first alert of a cluster → first findings card', storm.firstCardMs);
  row('storm: every alert → a card reflecting it (count)', storm.reflectedMs);
  row('storm: POST → 202 (recorded, routed, counted)', storm.intakeMs);
}
