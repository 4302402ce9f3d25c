/**
 * Prometheus Alertmanager webhook notifications, version 4: `{ version: "4", status, alerts: [ { status, labels,
 * annotations, startsAt, endsAt, fingerprint } ], groupLabels, commonLabels, … }`. One notification carries a
 * group of alerts; each becomes an Alert. kube-state-metrics series name the pod with `namespace`, `pod`,
 * `container`; the cluster comes from a `cluster` label (added by the rule or by external labels).
 */
import {
  AlertPayloadError,
  MAX_ALERTS_PER_PAYLOAD,
  firstOf,
  isObject,
  kubeCoordinates,
  labelsOf,
  requiredText,
  text,
  time,
  type Alert,
  type Json,
} from './alert';

const MANAGED_CLUSTER = /\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/i;

export function isAlertmanagerWebhook(body: Json): boolean {
  return 'version' in body && Array.isArray(body.alerts);
}

export function parseAlertmanagerWebhook(body: Json): Alert[] {
  if (body.version !== '4')
    throw new AlertPayloadError(`version must be "4" (Alertmanager webhook v4; got ${JSON.stringify(body.version)?.slice(0, 20)})`);
  const alerts = body.alerts as unknown[];
  if (alerts.length === 0) throw new AlertPayloadError('alerts is empty');
  if (alerts.length > MAX_ALERTS_PER_PAYLOAD)
    throw new AlertPayloadError(`alerts has ${alerts.length} entries; at most ${MAX_ALERTS_PER_PAYLOAD} are taken per notification`);
  const common = labelsOf(body.commonLabels, 'commonLabels');
  return alerts.map((raw, i) => {
    const at = `alerts[${i}]`;
    if (!isObject(raw)) throw new AlertPayloadError(`${at} must be an object`);
    const labels = { ...common, ...labelsOf(raw.labels, `${at}.labels`) };
    const annotations = labelsOf(raw.annotations, `${at}.annotations`);
    const status = requiredText(raw.status, `${at}.status`);
    if (status !== 'firing' && status !== 'resolved')
      throw new AlertPayloadError(`${at}.status must be "firing" or "resolved" (got "${status.slice(0, 40)}")`);
    const startsAt = time(raw.startsAt, `${at}.startsAt`);
    if (!startsAt) throw new AlertPayloadError(`${at}.startsAt is missing`);
    const endsAt = time(raw.endsAt, `${at}.endsAt`);
    const idLabel = labels['microsoft.resourceid'];
    const cluster = idLabel && MANAGED_CLUSTER.test(idLabel) ? idLabel : firstOf(labels, ['cluster', 'cluster_name', 'k8s_cluster']);
    const severity = labels.severity;
    const description = text(annotations.description ?? annotations.summary ?? annotations.message, `${at}.annotations.description`);
    return {
      source: 'alertmanager' as const,
      name: requiredText(labels.alertname, `${at}.labels.alertname`),
      ...(severity ? { severity } : {}),
      status,
      fingerprint: requiredText(raw.fingerprint, `${at}.fingerprint`),
      startsAt,
      // A firing alert's endsAt is Alertmanager's guess of when it would expire, not an end.
      ...(status === 'resolved' && endsAt ? { endsAt } : {}),
      ...(cluster ? { cluster } : {}),
      ...kubeCoordinates(labels),
      ...(description ? { description } : {}),
    };
  });
}
