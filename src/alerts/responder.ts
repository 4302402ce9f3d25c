/**
 * What happens to one alert after it was recorded: route it, count it into the open incident of its
 * cluster (one card per registry per window, "seen 14 times since 02:13"), or open an incident — read the
 * cluster's failing pods, triage each registry they fail on, and post the usual findings card with the
 * alert on top and the grant offer for approvers. A Resolved alert, or a fresh triage that finds nothing
 * failing, marks the incident's cards resolved. Nothing is dropped silently: every outcome is returned
 * (and recorded by the intake), and a cluster the bot cannot see gets a card saying why.
 */
import { alertBannerView, type AlertBannerView, type AlertHeader } from '../channels/alert-banner';
import { clip } from '../channels/clip';
import type { NoticeView } from '../channels/view-model';
import type { ApprovalService, Person } from '../conversation/approvals';
import type { BackgroundWork, Logger } from '../conversation/background';
import type { CardStore } from '../conversation/card-store';
import type { MessageLocation } from '../conversation/location';
import type { ChannelPort, ConversationView } from '../conversation/port';
import { unfinishedNotice } from '../conversation/wording';
import type { AuditLog } from '../storage/audit';
import { triageCluster, type ClusterTriage } from '../triage/cluster-triage';
import { showClusterTriage, type ShownCard } from '../conversation/cluster-flow';
import type { TriageEngine } from '../triage/engine';
import { TargetError, type ClusterRef } from '../triage/refs';
import { parseClusterRef } from '../triage/target';
import type { Alert } from './alert';
import type { Incident, IncidentCard, IncidentStore } from './incidents';
import { AlertDeliveryError, messageIdOf, type AlertDelivery } from './port';

function cardOf(card: ShownCard): IncidentCard {
  const view = card.view;
  if (view.kind === 'notice') return { registry: card.registry, message: card.at, notice: view.view };
  if (view.kind !== 'findings') return { registry: card.registry, message: card.at };
  return { registry: card.registry, message: card.at, ...(view.offer ? { approvalId: view.offer.approval.id } : { snapshot: view.snapshot }) };
}
import { destinationLabel, type AlertRouter, type ClusterPlace, type Destination } from './routing';

export type AlertOutcome =
  | { status: 'triaging'; destination: string; incident: string }
  | { status: 'counted'; destination: string; incident: string; count: number }
  | { status: 'resolved'; destination: string; incident: string }
  | { status: 'ignored'; reason: string };

export interface AlertResponderOptions {
  engine: TriageEngine;
  approvals: ApprovalService;
  audit: AuditLog;
  cards: CardStore;
  incidents: IncidentStore;
  router: AlertRouter;
  delivery: AlertDelivery;
  background: BackgroundWork;
  log: Logger;
  windowMs: number;
  /** Count updates are gathered for this long before the cards are re-rendered (a storm is one update a second, not one per alert). */
  refreshDelayMs?: number;
  podDeadlineMs?: number;
  now?: () => Date;
}

export class AlertResponder {
  private readonly refreshing = new Set<string>();
  /**
   * Incidents open in this process's view, as last written. A repeat within the window is counted here and
   * in `pending`, and written with the next card refresh (added to whatever other instances wrote): in a
   * storm the request path touches no storage, while the alert itself was recorded by the intake.
   */
  private readonly open = new Map<string, { lastSeen: string; count: number }>();
  private readonly pending = new Map<string, { count: number; lastSeen: string; fingerprints: Set<string> }>();
  /** When a notice about an alert that became no incident was last posted, per destination and rule. */
  private readonly noticed = new Map<string, number>();

  constructor(private readonly o: AlertResponderOptions) {}

  private now(): Date {
    return (this.o.now ?? (() => new Date()))();
  }

  /** Decides at once (route, dedup) and leaves the triage and the posting to background work. */
  async handle(alert: Alert, route?: string): Promise<AlertOutcome> {
    if (!alert.cluster) {
      const reason = `alert "${alert.name}" names no cluster: add a cluster label (Prometheus), or scope the log search alert to the cluster`;
      this.noticeToDefault(alert, route, { title: `Alert ${alert.name}: which cluster?`, text: `${reason}. Nothing was checked.`, tone: 'warning' });
      return { status: 'ignored', reason };
    }
    let cluster: ClusterRef;
    try {
      cluster = parseClusterRef(alert.cluster);
    } catch (error) {
      if (!(error instanceof TargetError)) throw error;
      const reason = `alert "${alert.name}" names cluster "${clip(alert.cluster, 80)}", which is not a cluster reference: ${error.message}`;
      this.noticeToDefault(alert, route, {
        title: `Alert ${alert.name}: cluster not understood`,
        text: `${reason}. Nothing was checked.`,
        tone: 'warning',
      });
      return { status: 'ignored', reason };
    }
    const destination = this.o.router.destinationFor(placeOf(cluster), route);
    if (!destination) return { status: 'ignored', reason: 'no destination: set TRIAGE_ALERT_CHANNEL or a route for this cluster' };
    const channel = this.o.delivery.ports[destination.channel];
    if (!channel)
      return {
        status: 'ignored',
        reason: `${destination.channel} is not configured on this bot, so ${destinationLabel(destination)} cannot be posted to`,
      };
    const key = `${destinationLabel(destination)}|${cluster.name.toLowerCase()}`;
    return alert.status === 'resolved' ? this.resolve(alert, key, destination) : this.fire(alert, key, cluster, destination, channel);
  }

  private async fire(alert: Alert, key: string, cluster: ClusterRef, destination: Destination, channel: ChannelPort): Promise<AlertOutcome> {
    const now = this.now().toISOString();
    const known = this.open.get(key);
    if (known && Date.parse(now) - Date.parse(known.lastSeen) < this.o.windowMs) {
      const p = this.pending.get(key) ?? { count: 0, lastSeen: now, fingerprints: new Set<string>() };
      p.count += 1;
      p.lastSeen = now;
      p.fingerprints.add(alert.fingerprint);
      this.pending.set(key, p);
      known.lastSeen = now;
      known.count += 1;
      this.scheduleRefresh(key);
      return { status: 'counted', destination: destinationLabel(destination), incident: key, count: known.count };
    }
    const { before, after } = await this.o.incidents.update(key, (current) => {
      if (current && current.state === 'open' && Date.parse(now) - Date.parse(current.lastSeen) < this.o.windowMs) {
        return {
          ...current,
          count: current.count + 1,
          lastSeen: now,
          firing: current.firing.includes(alert.fingerprint) ? current.firing : [...current.firing, alert.fingerprint],
        };
      }
      return {
        key,
        cluster: cluster.name,
        destination,
        alert: { name: alert.name, ...(alert.severity ? { severity: alert.severity } : {}), firedAt: alert.startsAt, source: alert.source },
        count: 1,
        firstSeen: now,
        lastSeen: now,
        firing: [alert.fingerprint],
        state: 'open',
        cards: [],
      };
    });
    if (!after) throw new Error('the incident was not written');
    this.open.set(key, { lastSeen: after.lastSeen, count: after.count });
    const joined = before !== undefined && before.state === 'open' && before.firstSeen === after.firstSeen;
    if (joined) {
      this.scheduleRefresh(key);
      return { status: 'counted', destination: destinationLabel(destination), incident: key, count: after.count };
    }
    this.o.background.run(`alert ${alert.name} on ${cluster.name}`, (signal) => this.triage(alert, key, cluster, destination, channel, signal));
    return { status: 'triaging', destination: destinationLabel(destination), incident: key };
  }

  private async resolve(alert: Alert, key: string, destination: Destination): Promise<AlertOutcome> {
    const at = alert.endsAt ?? this.now().toISOString();
    await this.flush(key);
    const { before, after } = await this.o.incidents.update(key, (current) => {
      if (!current || current.state !== 'open') return undefined;
      const firing = current.firing.filter((f) => f !== alert.fingerprint);
      return firing.length > 0 ? { ...current, firing } : { ...current, firing, state: 'resolved', resolvedAt: at, resolvedBy: 'alert' };
    });
    if (!before || before.state !== 'open')
      return { status: 'ignored', reason: `no open incident for this cluster in ${destinationLabel(destination)}: nothing to resolve` };
    if (after?.state === 'resolved') {
      this.open.delete(key);
      this.scheduleRefresh(key, 0);
      return { status: 'resolved', destination: destinationLabel(destination), incident: key };
    }
    return { status: 'counted', destination: destinationLabel(destination), incident: key, count: after?.count ?? before.count };
  }

  // ---------------------------------------------------------------------------------------------

  private async triage(
    alert: Alert,
    key: string,
    cluster: ClusterRef,
    destination: Destination,
    port: ChannelPort,
    signal: AbortSignal,
  ): Promise<void> {
    const requester: Person = { id: `alert:${alert.source}`, name: `alert ${alert.name}`, channel: destination.channel };
    const about = alert.pod ? ` (the alert names ${alert.namespace ? `${alert.namespace}/` : ''}${alert.pod})` : '';
    let where: MessageLocation;
    try {
      where = await this.o.delivery.locate(destination);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.o.log.warn('alert card cannot be posted', { destination: destinationLabel(destination), reason });
      await this.o.incidents.update(key, (c) => (c ? { ...c, undeliverable: reason } : undefined));
      return;
    }
    const first = await port.post(where, {
      kind: 'progress',
      banner: await this.banner(key),
      view: { heading: `Checking ${cluster.name}`, detail: `Reading the cluster's failing pods${about}, then each registry they pull from…` },
    });
    await this.record(key, { registry: '', message: first });
    let t: ClusterTriage;
    try {
      t = await triageCluster(this.o.engine, cluster, { signal, podDeadlineMs: this.o.podDeadlineMs });
    } catch (error) {
      this.o.log.error('alert triage failed', { cluster: cluster.name, error: error instanceof Error ? error.message : String(error) });
      const notice = unfinishedNotice(cluster.name, signal.aborted);
      await this.record(key, { registry: '', message: first, notice });
      await port.replace(first, { kind: 'notice', banner: await this.banner(key), view: notice });
      return;
    }
    if (t.verdict === 'no-failing-pods') {
      // A fresh look finds nothing failing: the incident is over, whatever the alert still says.
      await this.flush(key);
      await this.o.incidents.update(key, (c) =>
        c && c.state === 'open' ? { ...c, state: 'resolved', resolvedAt: this.now().toISOString(), resolvedBy: 'recheck' } : undefined,
      );
      this.open.delete(key);
    }
    const banner = await this.banner(key);
    // Each card is recorded before it is shown: what the card says is in the incident even if posting fails.
    const shown = await showClusterTriage(this.o, t, { requester, clusterLabel: cluster.name, banner }, port, first, (card) =>
      this.record(key, cardOf(card)),
    );
    for (const card of shown) this.o.log.info('alert card posted', { cluster: cluster.name, registry: card.registry || '(none failing)' });
    // Alerts that arrived while the triage ran are in the count now.
    this.scheduleRefresh(key, 0);
  }

  private async record(key: string, card: IncidentCard): Promise<void> {
    const id = messageIdOf(card.message);
    await this.o.incidents.update(key, (c) => (c ? { ...c, cards: [...c.cards.filter((k) => messageIdOf(k.message) !== id), card] } : undefined));
  }

  private async banner(key: string): Promise<AlertBannerView> {
    const incident = await this.o.incidents.get(key);
    return incident ? alertBannerView(headerOf(incident), this.now()) : { lines: [], tone: 'default' };
  }

  /** Re-renders the incident's cards with its current count / resolution, once per `delay` however many alerts arrive. */
  private scheduleRefresh(key: string, delay = this.o.refreshDelayMs ?? 1000): void {
    if (this.refreshing.has(key) && delay > 0) return;
    this.refreshing.add(key);
    this.o.background.run(`refresh alert cards ${key}`, async (signal) => {
      await sleep(delay, signal);
      this.refreshing.delete(key);
      await this.refresh(key, signal);
    });
  }

  /** Writes the repeats counted in memory into the stored incident (added to what is there). */
  private async flush(key: string): Promise<void> {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    const { after } = await this.o.incidents.update(key, (c) =>
      c && c.state === 'open'
        ? {
            ...c,
            count: c.count + p.count,
            lastSeen: p.lastSeen > c.lastSeen ? p.lastSeen : c.lastSeen,
            firing: [...new Set([...c.firing, ...p.fingerprints])],
          }
        : undefined,
    );
    if (after?.state === 'open') this.open.set(key, { lastSeen: after.lastSeen, count: after.count });
    else this.open.delete(key);
  }

  private async refresh(key: string, signal: AbortSignal): Promise<void> {
    await this.flush(key);
    const incident = await this.o.incidents.get(key);
    if (!incident) return;
    const port = this.o.delivery.ports[incident.destination.channel];
    if (!port) return;
    const banner = alertBannerView(headerOf(incident), this.now());
    for (const card of incident.cards) {
      const message = await this.messageFor(card, banner);
      if (message && !signal.aborted) await port.replace(card.message, message);
    }
  }

  private async messageFor(card: IncidentCard, banner: AlertBannerView): Promise<ConversationView | undefined> {
    if (card.approvalId) {
      const [record, state] = await Promise.all([this.o.approvals.get(card.approvalId), this.o.cards.load(card.approvalId)]);
      if (!record || !state) return undefined;
      // Keep the stored card's banner current too, so a press re-renders with the latest count.
      await this.o.cards.save(card.approvalId, { ...state, banner });
      return { kind: 'findings', banner, snapshot: state.snapshot, offer: { plan: record.plan, approval: record } };
    }
    if (card.snapshot) return { kind: 'findings', banner, snapshot: card.snapshot };
    if (card.notice) return { kind: 'notice', banner, view: card.notice };
    return undefined;
  }

  /**
   * Alerts that cannot become an incident still get a word in the default channel: once per destination, rule
   * and window in this process, so that a storm of them is one notice, not hundreds.
   */
  private noticeToDefault(alert: Alert, route: string | undefined, view: NoticeView): void {
    const destination = this.o.router.destinationFor(undefined, route);
    const port = destination ? this.o.delivery.ports[destination.channel] : undefined;
    if (!destination || !port) return;
    const at = this.now().toISOString();
    const key = `${destinationLabel(destination)}|${alert.name}|${view.title}`;
    const said = this.noticed.get(key);
    if (said !== undefined && Date.parse(at) - said < this.o.windowMs) return;
    this.noticed.set(key, Date.parse(at));
    const header: AlertHeader = {
      name: alert.name,
      ...(alert.severity ? { severity: alert.severity } : {}),
      firedAt: alert.startsAt,
      count: 1,
      firstSeen: at,
      lastSeen: at,
    };
    this.o.background.run(`alert notice ${alert.name}`, async (signal) => {
      if (signal.aborted) return;
      const where = await this.o.delivery.locate(destination).catch((error: unknown) => {
        this.o.log.warn('alert notice could not be posted', {
          destination: destinationLabel(destination),
          error: error instanceof AlertDeliveryError ? error.message : String(error),
        });
        return undefined;
      });
      if (!where) return;
      await port.post(where, { kind: 'notice', banner: alertBannerView(header, this.now()), view }).catch((error: unknown) => {
        this.o.log.warn('alert notice could not be posted', {
          destination: destinationLabel(destination),
          error: error instanceof AlertDeliveryError ? error.message : String(error),
        });
      });
    });
  }
}

export function headerOf(incident: Incident): AlertHeader {
  return {
    name: incident.alert.name,
    ...(incident.alert.severity ? { severity: incident.alert.severity } : {}),
    firedAt: incident.alert.firedAt,
    count: incident.count,
    firstSeen: incident.firstSeen,
    lastSeen: incident.lastSeen,
    ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt, resolvedBy: incident.resolvedBy } : {}),
  };
}

function placeOf(cluster: ClusterRef): ClusterPlace {
  return cluster.kind === 'id'
    ? { name: cluster.name, resourceGroup: cluster.resourceGroup, subscriptionId: cluster.subscriptionId }
    : { name: cluster.name, ...(cluster.resourceGroup ? { resourceGroup: cluster.resourceGroup } : {}) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
