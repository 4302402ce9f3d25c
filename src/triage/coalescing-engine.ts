/**
 * The engine as the bot and alerts use it: identical triages in flight share one evidence read. Three
 * people typing `check aks-prod acrdemo` at the same moment, or fifty alerts for one cluster, read Azure
 * once. Each caller still gets the partial report (at once, when it already exists) and may abort: the
 * shared read stops only when every caller that joined it has aborted.
 */
import { setMaxListeners } from 'node:events';
import type { ClusterPods, ClusterPodsOptions, TriageEngine, TriageOptions, TriageResult } from './engine';
import { InFlight } from './in-flight';
import type { Report } from './report';
import type { ClusterRef, Target } from './refs';

interface Shared {
  partial?: Report;
  listeners: ((report: Report) => void)[];
  callers: number;
  aborted: number;
  controller: AbortController;
}

export interface CoalescingEngine extends TriageEngine {
  /** How many triages and pod reads joined one already running. */
  readonly joined: { triages: number; pods: number };
}

export function coalescingEngine(engine: TriageEngine): CoalescingEngine {
  const triages = new InFlight<TriageResult>();
  const pods = new InFlight<ClusterPods>();
  const shared = new Map<string, Shared>();

  function join(entry: Shared, signal: AbortSignal | undefined): void {
    entry.callers += 1;
    if (!signal) return;
    const onAbort = () => {
      entry.aborted += 1;
      if (entry.aborted === entry.callers) entry.controller.abort(signal.reason);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }

  return {
    get joined() {
      return { triages: triages.joined, pods: pods.joined };
    },

    triage(target: Target, options: TriageOptions = {}): Promise<TriageResult> {
      const key = `${targetKey(target)}|pods=${options.pods ?? 'default'}|given=${options.kube ? 'yes' : 'no'}`;
      let entry = shared.get(key);
      if (entry && options.onPartialReport) {
        if (entry.partial) options.onPartialReport(entry.partial);
        else entry.listeners.push(options.onPartialReport);
      }
      const promise = triages.run(key, () => {
        const fresh: Shared = {
          listeners: options.onPartialReport ? [options.onPartialReport] : [],
          callers: 0,
          aborted: 0,
          controller: new AbortController(),
        };
        // Every read of the triage (a dozen at once with pod evidence) listens to this signal while it runs;
        // Node's warning at eleven listeners would be noise, not a leak (readArm removes its listener).
        setMaxListeners(0, fresh.controller.signal);
        entry = fresh;
        shared.set(key, fresh);
        const work = engine.triage(target, {
          ...options,
          signal: fresh.controller.signal,
          onPartialReport: (report) => {
            fresh.partial = report;
            for (const listener of fresh.listeners.splice(0)) listener(report);
          },
        });
        const forget = () => {
          if (shared.get(key) === fresh) shared.delete(key);
        };
        work.then(forget, forget);
        return work;
      });
      if (entry) join(entry, options.signal);
      return promise;
    },

    readClusterPods(cluster: ClusterRef, options: ClusterPodsOptions = {}): Promise<ClusterPods> {
      const key = `${refKey(cluster)}|${options.subscriptionId?.toLowerCase() ?? ''}`;
      // Shared by callers that may abort at different times: the read is bounded by its own pod deadline instead.
      return pods.run(key, () => engine.readClusterPods(cluster, { ...options, signal: undefined }));
    },

    grant: (plan, options) => engine.grant(plan, options),
    verify: (plan, options) => engine.verify(plan, options),
    // Never shared: whether an interrupted grant landed is read for that grant, now.
    assignmentOf: (plan, options) => engine.assignmentOf(plan, options),
  };
}

function refKey(cluster: ClusterRef): string {
  return cluster.kind === 'id'
    ? `id:${cluster.subscriptionId}/${cluster.resourceGroup}/${cluster.name}`.toLowerCase()
    : `name:${cluster.resourceGroup ?? ''}/${cluster.name}`.toLowerCase();
}

/** Names are case-insensitive in ARM; image references are compared as written. */
export function targetKey(target: Target): string {
  const r = target.registry;
  const registry =
    r.kind === 'acr-id'
      ? `acr-id:${r.subscriptionId}/${r.resourceGroup}/${r.name}`
      : r.kind === 'acr-name'
        ? `acr-name:${r.name}`
        : r.kind === 'acr-host'
          ? `acr-host:${r.host}`
          : `external:${r.host}`;
  return `${refKey(target.cluster)}|${registry.toLowerCase()}|${target.image?.raw ?? ''}|${target.subscriptionId?.toLowerCase() ?? ''}`;
}
