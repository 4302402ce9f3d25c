/** Which format a webhook body is in, and its alerts; anything else is refused with what was expected. */
import { AlertPayloadError, isObject, type Alert } from './alert';
import { isAlertmanagerWebhook, parseAlertmanagerWebhook } from './alertmanager';
import { isCommonAlertSchema, parseCommonAlertSchema } from './azure-monitor';

export function parseAlertPayload(body: unknown): Alert[] {
  if (!isObject(body)) throw new AlertPayloadError('the body must be a JSON object');
  if (isCommonAlertSchema(body)) return parseCommonAlertSchema(body);
  if (isAlertmanagerWebhook(body)) return parseAlertmanagerWebhook(body);
  if (typeof body.schemaId === 'string') {
    throw new AlertPayloadError(
      `schemaId "${body.schemaId.slice(0, 60)}" is not taken: enable the common alert schema on the action group's webhook (schemaId "azureMonitorCommonAlertSchema")`,
    );
  }
  throw new AlertPayloadError(
    'not an alert this endpoint takes: expected an Azure Monitor common alert schema payload (schemaId "azureMonitorCommonAlertSchema") or a Prometheus Alertmanager webhook (version "4", alerts[])',
  );
}
