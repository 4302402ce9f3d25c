/**
 * OpenTelemetry for the bot: when APPLICATIONINSIGHTS_CONNECTION_STRING is set, traces and metrics go to
 * Application Insights through the Azure Monitor distro; without it the OpenTelemetry API is a no-op and
 * costs nothing. What is measured: a span per triage, per Azure request and per grant (see traced-*.ts),
 * and counters of triages by verdict, grants by outcome, refused approvals and errors.
 */
import { metrics, trace, type Counter, type Tracer } from '@opentelemetry/api';
import type { AzureMonitorOpenTelemetryOptions } from '@azure/monitor-opentelemetry';
import { envValue, type Env } from '../config';

export const INSTRUMENTATION_NAME = 'aks-registry-triage';

export interface TelemetrySettings {
  connectionString?: string;
}

export function telemetrySettingsFromEnv(env: Env): TelemetrySettings {
  const connectionString = envValue(env, 'APPLICATIONINSIGHTS_CONNECTION_STRING');
  return connectionString ? { connectionString } : {};
}

export interface TriageCounters {
  /** Attribute `verdict`: healthy, problems, incomplete. */
  triages: Counter;
  /** Attribute `status`: the grant outcome (created, already-exists, forbidden, …). */
  grants: Counter;
  /** Approval presses refused (not an approver, self-approval, expired, …). */
  refusals: Counter;
  /** Attribute `operation`: triage, grant, verify, log. */
  errors: Counter;
}

export interface Telemetry {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  readonly counters: TriageCounters;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions extends TelemetrySettings {
  /** Extra span processors (tests add an in-memory exporter). */
  spanProcessors?: AzureMonitorOpenTelemetryOptions['spanProcessors'];
  /** Extra metric readers (tests add an in-memory reader). */
  metricReaders?: AzureMonitorOpenTelemetryOptions['metricReaders'];
  /** Transport options of the Application Insights exporter (tests trust a loopback stand-in's certificate). */
  exporterTls?: NonNullable<AzureMonitorOpenTelemetryOptions['azureMonitorExporterOptions']>['tlsOptions'];
}

/**
 * The Azure Monitor distribution (OpenTelemetry SDK, exporters, instrumentations) is loaded only when a
 * connection string turns it on: it is some 20 MB of heap and 60 MB of resident memory a bot without
 * Application Insights would carry for nothing.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const enabled = Boolean(options.connectionString);
  const monitor = enabled ? await import('@azure/monitor-opentelemetry') : undefined;
  if (monitor) {
    monitor.useAzureMonitor({
      azureMonitorExporterOptions: {
        connectionString: options.connectionString,
        ...(options.exporterTls ? { tlsOptions: options.exporterTls } : {}),
      },
      // Every triage and grant is rare and worth keeping: no rate-limited sampling.
      samplingRatio: 1,
      tracesPerSecond: 0,
      enableLiveMetrics: false,
      // Our own spans name Azure requests after what they read (traced-http.ts); the distro's Azure SDK
      // spans would duplicate them. Incoming and outgoing HTTP stay instrumented.
      instrumentationOptions: {
        azureSdk: { enabled: false },
        mongoDb: { enabled: false },
        mySql: { enabled: false },
        postgreSql: { enabled: false },
        redis: { enabled: false },
        redis4: { enabled: false },
      },
      ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
      ...(options.metricReaders ? { metricReaders: options.metricReaders } : {}),
    });
  }
  const meter = metrics.getMeter(INSTRUMENTATION_NAME);
  return {
    enabled,
    tracer: trace.getTracer(INSTRUMENTATION_NAME),
    counters: {
      triages: meter.createCounter('triage.runs', { description: 'Triages finished, by verdict' }),
      grants: meter.createCounter('triage.grants', { description: 'Grant attempts, by outcome' }),
      refusals: meter.createCounter('triage.approval_refusals', { description: 'Approval presses refused' }),
      errors: meter.createCounter('triage.errors', { description: 'Operations that threw, by operation' }),
    },
    shutdown: monitor ? () => monitor.shutdownAzureMonitor() : async () => undefined,
  };
}
