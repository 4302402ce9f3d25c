/**
 * One alert, whatever sent it: Azure Monitor (common alert schema) or Prometheus Alertmanager (webhook v4).
 * Channel-neutral and validated: every string is bounded, times are ISO 8601, and the cluster is kept as the
 * text the ref grammar reads (an ARM resource id or a name), so it is resolved like any cluster a person names.
 */

export type AlertSource = 'azure-monitor' | 'alertmanager';
export type AlertStatus = 'firing' | 'resolved';

export interface Alert {
  source: AlertSource;
  /** The rule's name (Azure Monitor `alertRule`, Alertmanager `alertname`). */
  name: string;
  /** As the sender says it: `Sev0`…`Sev4`, `critical`, `warning`, … */
  severity?: string;
  status: AlertStatus;
  /** Stable across the firing and the resolving notification of the same alert instance. */
  fingerprint: string;
  startsAt: string;
  endsAt?: string;
  /** Cluster as a ref: ARM resource id when the alert carries one, else the cluster's name. */
  cluster?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  /** Image reference when a label or dimension names it: the registry is then known before pods are read. */
  image?: string;
  description?: string;
}

/** A payload this endpoint cannot take; `message` names the field for the sender (answered with 400). */
export class AlertPayloadError extends Error {
  readonly code = 'InvalidAlertPayload';
  constructor(message: string) {
    super(message);
    this.name = 'AlertPayloadError';
  }
}

/** Longest value kept from any field of a payload; labels are free text written by rule authors. */
export const MAX_FIELD_LENGTH = 1024;
/** Alertmanager groups alerts; a group larger than this is refused rather than fanned out into triages. */
export const MAX_ALERTS_PER_PAYLOAD = 1000;

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A bounded, trimmed string, or undefined when absent or empty; a non-string is the sender's error. */
export function text(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AlertPayloadError(`${field} must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (trimmed.length > MAX_FIELD_LENGTH) throw new AlertPayloadError(`${field} is longer than ${MAX_FIELD_LENGTH} characters`);
  return trimmed;
}

export function requiredText(value: unknown, field: string): string {
  const t = text(value, field);
  if (t === undefined) throw new AlertPayloadError(`${field} is missing`);
  return t;
}

/** An ISO 8601 time, normalised; Alertmanager's zero time (`0001-01-01T00:00:00Z`) means "not set". */
export function time(value: unknown, field: string): string | undefined {
  const t = text(value, field);
  if (t === undefined || t.startsWith('0001-01-01')) return undefined;
  const ms = Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(t) || Number.isNaN(ms)) throw new AlertPayloadError(`${field} is not an ISO 8601 time (got "${t.slice(0, 40)}")`);
  return new Date(ms).toISOString();
}

/** String-valued entries of a label map; other values are ignored (labels are strings in both formats). */
export function labelsOf(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new AlertPayloadError(`${field} must be an object of labels`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' && v.trim() !== '' && k.length <= 256) out[k] = v.trim().slice(0, MAX_FIELD_LENGTH);
  }
  return out;
}

/** First label present among `names` (labels and dimensions are spelled differently by each source). */
export function firstOf(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const name of names) if (labels[name]) return labels[name];
  return undefined;
}

/** Kubernetes coordinates as kube-state-metrics labels and Container insights dimensions spell them. */
export function kubeCoordinates(labels: Record<string, string>): Pick<Alert, 'namespace' | 'pod' | 'container' | 'image'> {
  const namespace = firstOf(labels, ['namespace', 'Namespace', 'exported_namespace']);
  const pod = firstOf(labels, ['pod', 'PodName', 'exported_pod', 'Name']);
  const container = firstOf(labels, ['container', 'ContainerName']);
  const image = firstOf(labels, ['image', 'Image', 'image_spec']);
  return { ...(namespace ? { namespace } : {}), ...(pod ? { pod } : {}), ...(container ? { container } : {}), ...(image ? { image } : {}) };
}
