/**
 * `npm run demo:alert -- <scenario> [--alertmanager] [--resolved] [--url <bot>]`: posts a realistic alert for a
 * simulated cluster to the running demo bot (`npm start`), as Azure Monitor (managed Prometheus, common alert
 * schema) or Alertmanager would, naming a pod of the scenario that fails to pull. The card appears in the
 * conversation that last spoke to the bot (the Agents Playground chat) unless TRIAGE_ALERT_CHANNEL says otherwise.
 */
import { parseArgs } from 'node:util';
import { DEMO_ALERT_TOKEN } from './alerts/settings';
import { scenario } from './simulator/scenarios';
import { parseTarget } from './triage/target';

interface FailingPod {
  namespace: string;
  pod: string;
  container: string;
  reason: string;
}

/** The scenario's first container waiting on a pull, from the simulated cluster's pod list. */
function failingPod(name: string): { cluster: string; pod?: FailingPod } {
  const s = scenario(name);
  const cluster = parseTarget(s.target).cluster.name;
  const kube = Object.entries(s.world.kube ?? {}).find(([id]) => id.toLowerCase().endsWith(`/managedclusters/${cluster.toLowerCase()}`))?.[1];
  for (const raw of kube?.pods ?? []) {
    const pod = raw as {
      metadata?: { namespace?: string; name?: string };
      status?: { containerStatuses?: { name?: string; state?: { waiting?: { reason?: string } } }[] };
    };
    const waiting = pod.status?.containerStatuses?.find((c) => /ErrImagePull|ImagePullBackOff/.test(c.state?.waiting?.reason ?? ''));
    if (waiting)
      return {
        cluster,
        pod: {
          namespace: pod.metadata?.namespace ?? 'default',
          pod: pod.metadata?.name ?? '',
          container: waiting.name ?? '',
          reason: waiting.state?.waiting?.reason ?? '',
        },
      };
  }
  return { cluster };
}

function azureMonitor(cluster: string, pod: FailingPod | undefined, resolved: boolean, now: Date): unknown {
  const fired = new Date(now.getTime() - 5 * 60_000).toISOString();
  const id = `demo-${cluster}-${pod?.pod ?? 'cluster'}`;
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/${id}`,
        alertRule: 'KubeContainerWaitingImagePull',
        severity: 'Sev2',
        signalType: 'Metric',
        monitorCondition: resolved ? 'Resolved' : 'Fired',
        monitoringService: 'Prometheus',
        alertTargetIDs: [
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-monitoring/providers/microsoft.monitor/accounts/amw-demo',
        ],
        configurationItems: [cluster],
        firedDateTime: fired,
        ...(resolved ? { resolvedDateTime: now.toISOString() } : {}),
        description: 'A container has been waiting on an image pull for more than 5 minutes',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        interval: 'PT1M',
        expression:
          'max by (cluster, namespace, pod, container, reason) (kube_pod_container_status_waiting_reason{reason=~"ErrImagePull|ImagePullBackOff"}) > 0',
        expressionValue: '1',
        for: 'PT5M',
        labels: {
          alertname: 'KubeContainerWaitingImagePull',
          cluster,
          severity: 'warning',
          ...(pod ? { namespace: pod.namespace, pod: pod.pod, container: pod.container, reason: pod.reason } : {}),
        },
        annotations: {
          summary: pod ? `Container ${pod.namespace}/${pod.pod}/${pod.container} cannot pull its image` : `Image pulls fail on ${cluster}`,
        },
      },
      customProperties: null,
    },
  };
}

function alertmanager(cluster: string, pod: FailingPod | undefined, resolved: boolean, now: Date): unknown {
  const labels = {
    alertname: 'KubePodImagePullBackOff',
    cluster,
    severity: 'critical',
    ...(pod ? { namespace: pod.namespace, pod: pod.pod, container: pod.container, reason: pod.reason } : {}),
  };
  return {
    version: '4',
    groupKey: '{}:{alertname="KubePodImagePullBackOff"}',
    status: resolved ? 'resolved' : 'firing',
    receiver: 'aks-registry-triage',
    groupLabels: { alertname: 'KubePodImagePullBackOff' },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring.svc:9093',
    alerts: [
      {
        status: resolved ? 'resolved' : 'firing',
        labels,
        annotations: {
          description: pod ? `Pod ${pod.namespace}/${pod.pod} container ${pod.container} is in ${pod.reason}` : `Image pulls fail on ${cluster}`,
        },
        startsAt: new Date(now.getTime() - 5 * 60_000).toISOString(),
        endsAt: resolved ? now.toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.monitoring.svc:9090/graph',
        fingerprint: `demo-${cluster}-${pod?.pod ?? 'cluster'}`,
      },
    ],
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { alertmanager: { type: 'boolean' }, resolved: { type: 'boolean' }, url: { type: 'string' }, route: { type: 'string' } },
  });
  const name = positionals[0] ?? 'aks-missing-role';
  const { cluster, pod } = failingPod(name);
  const body = (values.alertmanager ? alertmanager : azureMonitor)(cluster, pod, values.resolved === true, new Date());
  const base = values.url ?? `http://127.0.0.1:${process.env.PORT ?? '3978'}`;
  const url = `${base.replace(/\/+$/, '')}/api/alerts${values.route ? `/${values.route}` : ''}`;
  const token = process.env.TRIAGE_ALERT_TOKEN?.trim() || DEMO_ALERT_TOKEN;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  console.log(
    `POST ${url} (${values.alertmanager ? 'Alertmanager v4' : 'Azure Monitor, managed Prometheus'}, ${cluster}${pod ? `, pod ${pod.namespace}/${pod.pod}` : ''}) → ${res.status}`,
  );
  console.log(await res.text());
  return res.status === 202 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo:alert: ${error instanceof Error ? error.message : String(error)} — is the demo bot running (npm start)?`);
    process.exit(2);
  },
);
