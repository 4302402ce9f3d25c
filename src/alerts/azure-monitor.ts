/**
 * Azure Monitor action-group notifications in the common alert schema (`schemaId: azureMonitorCommonAlertSchema`).
 * Where the cluster is depends on the alert type (docs/alerts.md):
 * - log search alerts scoped to the cluster name it in `essentials.alertTargetIDs`; rules over Container
 *   insights tables (KubePodInventory, KubeEvents) can also split by `ClusterId` / `ClusterName`, and name
 *   namespace and pod through dimensions (`Namespace`, `PodName` or `Name`, `ContainerName`);
 * - managed Prometheus alerts target the Azure Monitor workspace, not the cluster: the cluster is in the
 *   series' `cluster` label (or `microsoft.resourceid`), namespace / pod / container in its labels.
 */
import { AlertPayloadError, isObject, kubeCoordinates, labelsOf, requiredText, text, time, type Alert, type Json } from './alert';

export const COMMON_ALERT_SCHEMA_ID = 'azureMonitorCommonAlertSchema';

const MANAGED_CLUSTER = /\/providers\/microsoft\.containerservice\/managedclusters\/[^/]+$/i;

export function isCommonAlertSchema(body: Json): boolean {
  return body.schemaId === COMMON_ALERT_SCHEMA_ID;
}

export function parseCommonAlertSchema(body: Json): Alert[] {
  const data = body.data;
  if (!isObject(data)) throw new AlertPayloadError('data is missing (common alert schema: { schemaId, data: { essentials, alertContext } })');
  const essentials = data.essentials;
  if (!isObject(essentials)) throw new AlertPayloadError('data.essentials is missing');
  const condition = requiredText(essentials.monitorCondition, 'data.essentials.monitorCondition');
  if (condition !== 'Fired' && condition !== 'Resolved') {
    throw new AlertPayloadError(`data.essentials.monitorCondition must be "Fired" or "Resolved" (got "${condition.slice(0, 40)}")`);
  }
  const context = isObject(data.alertContext) ? data.alertContext : {};
  const labels = { ...dimensionsOf(context), ...labelsOf(context.labels, 'data.alertContext.labels') };
  const firedAt = time(essentials.firedDateTime, 'data.essentials.firedDateTime');
  const resolvedAt = time(essentials.resolvedDateTime, 'data.essentials.resolvedDateTime');
  const cluster = clusterOf(essentials, labels);
  const severity = text(essentials.severity, 'data.essentials.severity');
  const description = text(essentials.description, 'data.essentials.description');
  return [
    {
      source: 'azure-monitor',
      name: requiredText(essentials.alertRule, 'data.essentials.alertRule'),
      ...(severity ? { severity } : {}),
      status: condition === 'Fired' ? 'firing' : 'resolved',
      // The alert instance id is the same in the Fired and the Resolved notification.
      fingerprint: requiredText(essentials.alertId ?? essentials.originAlertId, 'data.essentials.alertId'),
      startsAt: firedAt ?? new Date().toISOString(),
      ...(resolvedAt ? { endsAt: resolvedAt } : {}),
      ...(cluster ? { cluster } : {}),
      ...kubeCoordinates(labels),
      ...(description ? { description } : {}),
    },
  ];
}

function clusterOf(essentials: Json, labels: Record<string, string>): string | undefined {
  const targets = Array.isArray(essentials.alertTargetIDs) ? essentials.alertTargetIDs : [];
  const target = targets.find((t): t is string => typeof t === 'string' && MANAGED_CLUSTER.test(t.trim()));
  if (target) return target.trim();
  for (const name of ['microsoft.resourceid', 'ClusterId', '_ResourceId']) {
    const value = labels[name];
    if (value && MANAGED_CLUSTER.test(value)) return value;
  }
  return labels.cluster ?? labels.ClusterName;
}

/**
 * Dimensions of a log search alert as labels: `alertContext.condition.allOf[].dimensions[]` (Log Alerts V2)
 * or `alertContext.Dimensions[]` (older log alerts), each `{ name, value }`.
 */
function dimensionsOf(context: Json): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (list: unknown) => {
    for (const d of Array.isArray(list) ? list : []) {
      if (isObject(d) && typeof d.name === 'string' && typeof d.value === 'string' && d.value.trim() !== '')
        out[d.name] = d.value.trim().slice(0, 1024);
    }
  };
  add(context.Dimensions);
  const condition = isObject(context.condition) ? context.condition : {};
  for (const criterion of Array.isArray(condition.allOf) ? condition.allOf : []) if (isObject(criterion)) add(criterion.dimensions);
  return out;
}
