/**
 * A production-sized cluster for the pod-evidence bench: 1,000 pods (40 failing to pull from the scenario's
 * registry, the rest running) and 5,000 events (kubelet's trail for the failing ones, the rest the routine
 * Normal/Warning churn of a busy cluster), on the scenario's own nodes.
 */
import type { KubeState, Scenario } from '../../src/simulator/scenario';
import { event, failingPod, pullErrors, runningPod, type KubeObject } from '../../src/simulator/scenarios/builders';

export const BIG = { pods: 1000, failing: 40, events: 5000 };

export function bigCluster(base: Scenario, registryHost: string): Scenario {
  const clusterId = Object.keys(base.world.kube ?? {})[0];
  const original = clusterId ? base.world.kube?.[clusterId] : undefined;
  if (!clusterId || !original) throw new Error(`scenario ${base.name} has no cluster to enlarge`);
  const nodes = original.nodes.map((n) => String((n.metadata as { name?: string }).name));
  const nodeAt = (i: number): string => nodes[i % nodes.length] ?? 'aks-nodepool1-0';
  const pods: KubeObject[] = [];
  const events: KubeObject[] = [];
  for (let i = 0; i < BIG.failing; i++) {
    const image = `${registryHost}/team-${i % 8}/svc-${i}:1.0.${i}`;
    const bundle = failingPod({
      ns: `team-${i % 8}`,
      app: `svc-${i}`,
      image,
      node: nodeAt(i),
      seed: `big-${i}`,
      error: pullErrors.unauthorized(image),
    });
    pods.push(bundle.pod);
    events.push(...bundle.events);
  }
  for (let i = pods.length; i < BIG.pods; i++) {
    const bundle = runningPod({
      ns: `team-${i % 8}`,
      app: `web-${i}`,
      image: `${registryHost}/team-${i % 8}/web-${i}:2.${i}`,
      node: nodeAt(i),
      seed: `big-${i}`,
    });
    pods.push(bundle.pod);
  }
  for (let i = 0; events.length < BIG.events; i++) {
    const ref = { ns: `team-${i % 8}`, name: String((pods[BIG.failing + (i % (BIG.pods - BIG.failing))]!.metadata as { name: string }).name) };
    const warning = i % 5 === 0;
    events.push(
      event({
        reason: warning ? 'BackOff' : 'Pulling',
        message: warning ? 'Back-off restarting failed container web in pod' : `Pulling image "${registryHost}/team-${i % 8}/web:2.${i}"`,
        involvedPod: ref,
        node: nodeAt(i),
      }),
    );
  }
  const state: KubeState = { ...original, pods, events };
  return { ...base, world: { ...base.world, kube: { ...base.world.kube, [clusterId]: state } } };
}
