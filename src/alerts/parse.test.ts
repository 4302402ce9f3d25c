import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AlertPayloadError } from './alert';
import { parseAlertPayload } from './parse';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, '../../test/fixtures/alerts', name), 'utf8'));
const CLUSTER_ID =
  '/subscriptions/e6278fa1-e0a6-5f40-834c-dd29d374ce06/resourcegroups/rg-aks-missing-role/providers/microsoft.containerservice/managedclusters/aks-missing-role';

describe('parseAlertPayload', () => {
  it('reads a managed Prometheus alert: cluster from its label (the target is the workspace), pod from labels', () => {
    const [alert, ...rest] = parseAlertPayload(fixture('azure-monitor-prometheus-fired.json'));
    expect(rest).toHaveLength(0);
    expect(alert).toMatchObject({
      source: 'azure-monitor',
      name: 'KubeContainerWaitingImagePull',
      severity: 'Sev2',
      status: 'firing',
      startsAt: '2026-12-03T02:13:05.123Z',
      cluster: 'aks-missing-role',
      namespace: 'shop',
      pod: 'api-44bkffbjf9-pmcq5',
      container: 'api',
    });
    expect(alert?.fingerprint).toMatch(/Microsoft.AlertsManagement\/alerts\/6a1b3f2e/);
  });

  it('gives the Resolved notification the same fingerprint as the Fired one', () => {
    const [fired] = parseAlertPayload(fixture('azure-monitor-prometheus-fired.json'));
    const [resolved] = parseAlertPayload(fixture('azure-monitor-prometheus-resolved.json'));
    expect(resolved).toMatchObject({ status: 'resolved', endsAt: '2026-12-03T02:58:41.000Z', fingerprint: fired?.fingerprint });
  });

  it('reads a log search alert: cluster from the target id, namespace and pod from dimensions', () => {
    const [alert] = parseAlertPayload(fixture('azure-monitor-log-search-fired.json'));
    expect(alert).toMatchObject({
      name: 'Image pull failures (KubeEvents)',
      severity: 'Sev1',
      cluster: CLUSTER_ID,
      namespace: 'shop',
      pod: 'web-pnt7gbnjnp-6nx58',
    });
  });

  it('reads every alert of an Alertmanager v4 group; zero endsAt of a firing alert is no end', () => {
    const alerts = parseAlertPayload(fixture('alertmanager-v4-firing.json'));
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatchObject({
      source: 'alertmanager',
      name: 'KubePodImagePullBackOff',
      severity: 'critical',
      status: 'firing',
      fingerprint: 'c2a8e4d1f09b3e77',
      cluster: 'aks-missing-role',
      pod: 'api-44bkffbjf9-pmcq5',
    });
    expect(alerts[0]?.endsAt).toBeUndefined();
    const resolved = parseAlertPayload(fixture('alertmanager-v4-resolved.json'));
    expect(resolved.map((a) => [a.status, a.endsAt])).toEqual([
      ['resolved', '2026-12-03T02:58:00.000Z'],
      ['resolved', '2026-12-03T02:58:00.000Z'],
    ]);
  });

  it('clips label values written by rule authors to a bounded length', () => {
    const [alert] = parseAlertPayload({
      version: '4',
      alerts: [{ status: 'firing', labels: { alertname: 'a'.repeat(5000) }, startsAt: '2026-12-03T02:13:00Z', fingerprint: 'f' }],
    });
    expect(alert?.name).toHaveLength(1024);
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{ hello: 'world' }, /expected an Azure Monitor common alert schema payload .* or a Prometheus Alertmanager webhook/],
    [{ schemaId: 'Microsoft.Insights/activityLogs', data: {} }, /enable the common alert schema/],
    [{ schemaId: 'azureMonitorCommonAlertSchema' }, /data is missing/],
    [
      { schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { alertRule: 'x', alertId: 'a', monitorCondition: 'Maybe' } } },
      /monitorCondition must be "Fired" or "Resolved"/,
    ],
    [{ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { alertId: 'a', monitorCondition: 'Fired' } } }, /alertRule is missing/],
    [
      {
        schemaId: 'azureMonitorCommonAlertSchema',
        data: { essentials: { alertRule: 'x', alertId: 'a', monitorCondition: 'Fired', firedDateTime: 'yesterday' } },
      },
      /firedDateTime is not an ISO 8601 time/,
    ],
    [{ version: '3', alerts: [] }, /version must be "4"/],
    [{ version: '4', alerts: [] }, /alerts is empty/],
    [
      { version: '4', alerts: [{ status: 'firing', labels: {}, startsAt: '2026-12-03T02:13:00Z', fingerprint: 'f' }] },
      /alerts\[0\].labels.alertname is missing/,
    ],
    [
      { version: '4', alerts: [{ status: 'pending', labels: { alertname: 'a' }, startsAt: '2026-12-03T02:13:00Z', fingerprint: 'f' }] },
      /alerts\[0\].status must be "firing" or "resolved"/,
    ],
    [
      { version: '4', alerts: [{ status: 'firing', labels: { alertname: 'a' }, startsAt: '2026-12-03T02:13:00Z' }] },
      /alerts\[0\].fingerprint is missing/,
    ],
    [{ version: '4', alerts: Array.from({ length: 1001 }, () => ({})) }, /at most 1000/],
  ])('refuses a malformed payload naming the problem (%#)', (body, message) => {
    expect(() => parseAlertPayload(body)).toThrow(AlertPayloadError);
    expect(() => parseAlertPayload(body)).toThrow(message);
  });
});
