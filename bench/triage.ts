/**
 * How many sequential ARM round trips does a triage cost? Runs cold triages (fresh clients and engine, so
 * no cached tokens or clients) against the in-process ARM emulator at several per-request latencies, side
 * by side in one process, and derives the round trips on the critical path as
 * (wall − wall at 0 ms) / latency. Ratios, not absolute times: this machine is noisy.
 *
 *   npm run bench            (or: node dist/bench/triage.js [scenario …])
 */
import { createAzureClients } from '../src/azure/clients';
import { createTriageEngine } from '../src/azure/engine';
import { createEmulator } from '../src/simulator/emulator';
import { renderKubeEvidence } from '../src/simulator/kube-render';
import type { Scenario } from '../src/simulator/scenario';
import { scenario } from '../src/simulator/scenarios';
import { RUN_COMMAND_OUTPUT_CAP } from '../src/azure/kube-command';
import { readKubeEvidence } from '../src/azure/kube-evidence';
import { BIG, bigCluster } from './support/big-cluster';
import { parseTarget } from '../src/triage/target';

const LATENCIES_MS = [0, 50, 100, 200];
const RUNS = 5;
const DEFAULT_SCENARIOS = ['aks-missing-role', 'aks-healthy', 'aks-firewall'];

interface Sample {
  wallMs: number;
  requests: number;
}

async function coldTriage(name: string | Scenario, latencyMs: number, pods: boolean): Promise<Sample> {
  const chosen = typeof name === 'string' ? scenario(name) : name;
  const emulator = createEmulator({ world: chosen.world, latencyMs });
  try {
    const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
    const engine = createTriageEngine({ clients, pods, podPollIntervalMs: 10 });
    const target = parseTarget(chosen.target);
    const started = performance.now();
    const result = await engine.triage(target, { pods });
    const wallMs = performance.now() - started;
    // The emulator's own count: every request that reached "Azure", data plane included.
    return { wallMs, requests: emulator.requests.length + 0 * result.requestCount };
  } finally {
    await emulator.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function measure(name: string, pods: boolean): Promise<void> {
  // Warm the JIT and module caches so the 0 ms baseline is not the first run ever.
  for (let i = 0; i < 3; i += 1) await coldTriage(name, 0, pods);
  const rows: { latency: number; wall: number; requests: number }[] = [];
  // Interleave latencies run by run so drift on a noisy machine hits all of them alike.
  const samples = new Map<number, Sample[]>(LATENCIES_MS.map((l) => [l, []]));
  for (let run = 0; run < RUNS; run += 1) {
    for (const latency of LATENCIES_MS) samples.get(latency)!.push(await coldTriage(name, latency, pods));
  }
  for (const latency of LATENCIES_MS) {
    const s = samples.get(latency)!;
    rows.push({ latency, wall: median(s.map((x) => x.wallMs)), requests: median(s.map((x) => x.requests)) });
  }
  const base = rows[0].wall;
  console.log(`\n${name} — ${pods ? 'with' : 'without'} pod evidence (median of ${RUNS} cold triages per latency)`);
  console.log('latency ms | wall ms | requests | round trips on the critical path');
  for (const row of rows) {
    const trips = row.latency === 0 ? '—' : ((row.wall - base) / row.latency).toFixed(2);
    console.log(`${String(row.latency).padStart(10)} | ${row.wall.toFixed(0).padStart(7)} | ${String(row.requests).padStart(8)} | ${trips}`);
  }
}

/** Pod evidence alone (after the lookup): the cluster-user credential and the lists, or run command. */
async function coldPods(chosen: Scenario, latencyMs: number, privateCluster: boolean): Promise<Sample & { podsFound: number; via: string }> {
  const emulator = createEmulator({ world: chosen.world, latencyMs });
  try {
    const clients = createAzureClients({ credential: emulator.credential, endpoint: emulator.endpoint, httpClient: emulator.httpClient });
    const clusterId = Object.keys(chosen.world.kube ?? {})[0]!;
    const [, , subscriptionId, , resourceGroup, , , , name] = clusterId.split('/');
    const target = {
      subscriptionId: subscriptionId!,
      resourceGroup: resourceGroup!,
      name: name!,
      aadManaged: true,
      runCommandDisabled: false,
      privateCluster,
    };
    const started = performance.now();
    const read = await readKubeEvidence(clients, target, { pollIntervalMs: 10 });
    const wallMs = performance.now() - started;
    return {
      wallMs,
      requests: emulator.requests.length,
      podsFound: read.state === 'ok' ? read.value.pods.length : -1,
      via: read.state === 'ok' ? read.value.via : read.state,
    };
  } finally {
    await emulator.close();
  }
}

async function podPaths(label: string, chosen: Scenario): Promise<void> {
  console.log(`\n${label}: pod evidence alone (median of ${RUNS} cold reads; add 1 round trip for the lookup that precedes it)`);
  console.log('path | failing pods found | requests | wall ms at 0 / 100 ms | round trips');
  for (const privateCluster of [false, true]) {
    for (let i = 0; i < 2; i += 1) await coldPods(chosen, 0, privateCluster);
    const at0: number[] = [];
    const at100: number[] = [];
    let last: Awaited<ReturnType<typeof coldPods>> | undefined;
    for (let run = 0; run < RUNS; run += 1) {
      at0.push((await coldPods(chosen, 0, privateCluster)).wallMs);
      last = await coldPods(chosen, 100, privateCluster);
      at100.push(last.wallMs);
    }
    const trips = ((median(at100) - median(at0)) / 100).toFixed(2);
    console.log(`${last!.via} | ${last!.podsFound} | ${last!.requests} | ${median(at0).toFixed(0)} / ${median(at100).toFixed(0)} | ${trips}`);
  }
}

/** Pod evidence of a 1,000-pod / 5,000-event cluster: what run command returns, and that both paths find the failing pods. */
async function bigClusterPods(): Promise<void> {
  const big = bigCluster(scenario('aks-missing-role'), 'acrdemo.azurecr.io');
  const state = Object.values(big.world.kube ?? {})[0]!;
  const logs = renderKubeEvidence(state, big.world.caller.principalId);
  // What the former single `kubectl get pods,events,nodes,serviceaccounts -A -o json` printed for the same cluster.
  const items = [...state.pods, ...state.events, ...state.nodes, ...(state.serviceAccounts ?? [])];
  const former = JSON.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } }, null, 4);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`\nPod evidence of a ${BIG.pods}-pod / ${BIG.events}-event cluster (${BIG.failing} pods failing to pull)`);
  console.log(
    `run-command output: ${kib(Buffer.byteLength(logs))} of the ${kib(RUN_COMMAND_OUTPUT_CAP)} cap (the former -o json: ${kib(Buffer.byteLength(former))})`,
  );
  await podPaths(`${BIG.pods}-pod cluster`, big);
}

async function main(): Promise<void> {
  const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DEFAULT_SCENARIOS;
  console.log('Cold triage against the in-process ARM emulator. Targets ≤ 2.5 round trips and ≤ 8 ARM requests without pod evidence.');
  for (const name of names) await measure(name, false);
  await measure(names[0], true);
  await podPaths(names[0], scenario(names[0]));
  await bigClusterPods();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
