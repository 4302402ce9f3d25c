/**
 * With APPLICATIONINSIGHTS_CONNECTION_STRING set, the real composition root starts the Azure Monitor
 * distro; an in-memory span exporter and metric reader, added beside its own exporters, show what
 * Application Insights would receive. A Teams triage over HTTP against the emulator must produce one trace
 * whose Azure requests are children of the triage span, and a triage counter with its verdict. The
 * distro's exporters point at a closed loopback port; anything that tries to leave the machine (the Azure
 * VM metadata probe) is refused here, so the test talks to 127.0.0.1 only.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { startApp, type App } from '../../src/index';
import { loadEmulatorTls } from '../../src/simulator/tls';
import { executeData } from '../e2e/card-assertions';
import { FakeConnector, cardOf, type SentActivity } from '../e2e/fake-connector';
import { ANA, NICK, execute, mention, post } from '../e2e/teams';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const refusedHosts: string[] = [];

/** Requests through `module.request` to anything but loopback are recorded and sent to a closed port instead. */
function loopbackOnly(module: typeof http | typeof https): void {
  const real = module.request.bind(module) as (...a: unknown[]) => http.ClientRequest;
  jest.spyOn(module, 'request').mockImplementation(((...args: unknown[]) => {
    const options = args.find((a) => typeof a === 'object' && a !== null && !(a instanceof URL)) as http.RequestOptions | undefined;
    const url = args.find((a) => a instanceof URL || typeof a === 'string') as URL | string | undefined;
    const host = String(options?.hostname ?? options?.host ?? (url ? new URL(String(url)).hostname : 'localhost'));
    if (LOOPBACK.has(host)) return real(...args);
    refusedHosts.push(host);
    return http.request({ host: '127.0.0.1', port: closedPort, path: '/' });
  }) as typeof http.request);
}

/** Stands in for the Application Insights ingestion endpoint (HTTPS, the emulator's test certificate): accepts every batch. */
const ingested: string[] = [];
const ingestion = https.createServer(loadEmulatorTls(), (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    ingested.push(Buffer.concat(chunks).toString('utf8'));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
  });
});
let closedPort = 9;

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const metricReader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
const logLines: Record<string, unknown>[] = [];
let connector: FakeConnector;
let app: App;
let dataDir: string;
const savedEnv = { ...process.env };

beforeAll(async () => {
  await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  loopbackOnly(http);
  loopbackOnly(https);
  // The distro's own usage reports (statsbeat) go to Microsoft, not to the ingestion endpoint.
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED = 'true';
  connector = new FakeConnector();
  await connector.start();
  dataDir = mkdtempSync(path.join(tmpdir(), 'triage-telemetry-'));
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  app = await startApp({
    env: {
      PORT: '0',
      TRIAGE_DATA_DIR: dataDir,
      TRIAGE_APPROVERS: ANA.aadObjectId,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:${(ingestion.address() as AddressInfo).port}/`,
    },
    logDestination,
    print: () => undefined,
    // The exporter speaks HTTPS only; the stand-in's certificate is the emulator's self-signed one.
    telemetry: { spanProcessors: [new SimpleSpanProcessor(spans)], metricReaders: [metricReader], exporterTls: { ca: loadEmulatorTls().cert } },
  });
});

afterAll(async () => {
  await app?.close(2_000);
  await connector?.close();
  ingestion.closeAllConnections();
  await new Promise((resolve) => ingestion.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
  process.env = savedEnv;
  jest.restoreAllMocks();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
let findings: SentActivity;

async function counterPoints(name: string): Promise<{ attributes: unknown; value: unknown }[]> {
  await metricReader.forceFlush();
  return metricExporter
    .getMetrics()
    .flatMap((m) => m.scopeMetrics.flatMap((s) => s.metrics))
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) => m.dataPoints as { attributes: unknown; value: unknown }[]);
}

test('a triage is one trace: the triage span and, as its children, every Azure request it made', async () => {
  expect(app.telemetry.enabled).toBe(true);
  const from = connector.sent.length;
  const res = await post(app.server.url, mention(connector.url, ANA, 'check aks-missing-role acrdemo'));
  expect(res.status).toBeLessThan(300);
  findings = await connector.waitFor((s) => s.method === 'PUT' && executeData(cardOf(s.activity)).some((d) => typeof d.approvalId === 'string'), {
    from,
    timeoutMs: 20_000,
  });
  await app.core.background.idle();

  const finished = spans.getFinishedSpans();
  const triages = finished.filter((s) => s.name === 'triage');
  expect(triages).toHaveLength(1);
  const triage = triages[0];
  expect(triage.attributes['triage.cluster']).toBe('aks-missing-role');
  expect(triage.attributes['triage.verdict']).toBe('problems');

  const azure = finished.filter((s) => s.attributes['http.request.method'] !== undefined && s.spanContext().traceId === triage.spanContext().traceId);
  expect(azure.length).toBeGreaterThanOrEqual(3);
  expect(azure.length).toBe(triage.attributes['triage.azure_requests']);
  for (const span of azure) {
    expect(span.spanContext().traceId).toBe(triage.spanContext().traceId);
    // direct child of the triage span (transport spans do not nest in one another)
    expect(parentOf(span)).toBe(triage.spanContext().spanId);
    expect(String(span.attributes['url.path'])).not.toContain('?');
  }
  expect(azure.map((s) => s.name)).toEqual(
    expect.arrayContaining(['GET Microsoft.ContainerService/managedClusters', 'GET Microsoft.ContainerRegistry/registries']),
  );

  expect(await counterPoints('triage.runs')).toEqual(
    expect.arrayContaining([expect.objectContaining({ attributes: { verdict: 'problems' }, value: 1 })]),
  );
});

test('a refused press is counted; an approved one is a grant span with its PUT as a child, then a verify span', async () => {
  const approvalId = executeData(cardOf(findings.activity)).find((d) => typeof d.approvalId === 'string')?.approvalId;
  expect(typeof approvalId).toBe('string');
  await post(app.server.url, execute(connector.url, NICK, findings.id, 'grant', { approvalId }));
  expect(await counterPoints('triage.approval_refusals')).toEqual([expect.objectContaining({ value: 1 })]);

  await post(app.server.url, execute(connector.url, ANA, findings.id, 'grant', { approvalId }));
  await app.core.background.idle();
  const finished = spans.getFinishedSpans();
  const grants = finished.filter((s) => s.name === 'grant');
  expect(grants).toHaveLength(1);
  expect(grants[0].attributes['grant.status']).toBe('created');
  const children = finished.filter((s) => parentOf(s) === grants[0].spanContext().spanId).map((s) => s.name);
  expect(children).toContain('PUT Microsoft.Authorization/roleAssignments');
  expect(finished.filter((s) => s.name === 'verify')).toHaveLength(1);
  expect(await counterPoints('triage.grants')).toEqual([expect.objectContaining({ attributes: { status: 'created' }, value: 1 })]);
});

test('log lines are JSON with the ids of their work; none leaves the machine', () => {
  expect(logLines.find((l) => l.msg === 'listening')).toMatchObject({ level: 'info', telemetry: true, demo: true });
  const triage = spans.getFinishedSpans().find((s) => s.name === 'triage');
  const finished = logLines.filter((l) => l.msg === 'triage finished');
  expect(finished).toHaveLength(1);
  expect(finished[0]).toMatchObject({ verdict: 'problems', traceId: triage?.spanContext().traceId, triageId: triage?.attributes['triage.id'] });
  expect(typeof finished[0].requestId).toBe('string');
  expect(typeof finished[0].turnId).toBe('string');
  expect(refusedHosts.filter((h) => LOOPBACK.has(h))).toEqual([]);
});

test('on shutdown the buffered telemetry reaches the ingestion endpoint', async () => {
  await app.close(2_000);
  expect(ingested.join('\n')).toContain('"name":"triage"');
});
