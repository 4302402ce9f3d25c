/**
 * A span per request to Azure, at the transport: every SDK client, the raw pipeline (ACR data plane,
 * Graph) and Resource Graph send through the one HttpClient given to createAzureClients, so wrapping it
 * sees them all, retries included, as children of whatever triage or grant span is active. Spans carry
 * the method, host, ARM resource type and status; never the query string (SAS signatures live there) or
 * headers (tokens).
 */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { HttpClient } from '@azure/core-rest-pipeline';

/** `GET Microsoft.ContainerService/managedClusters` for ARM paths; `GET <host>` otherwise. */
export function operationName(method: string, url: URL): string {
  const providers = url.pathname.split('/providers/');
  if (providers.length > 1) {
    const parts = providers[providers.length - 1].split('/');
    // namespace, then every other segment is a type (type/name/subtype/name…)
    const type = [parts[0], ...parts.slice(1).filter((_, i) => i % 2 === 0)].join('/');
    return `${method} ${type}`;
  }
  return `${method} ${url.host}`;
}

export function tracedHttpClient(inner: HttpClient, tracer: Tracer): HttpClient {
  return {
    sendRequest(request) {
      const url = new URL(request.url);
      return tracer.startActiveSpan(
        operationName(request.method, url),
        { kind: SpanKind.CLIENT, attributes: { 'http.request.method': request.method, 'server.address': url.host, 'url.path': url.pathname } },
        async (span) => {
          try {
            const response = await inner.sendRequest(request);
            span.setAttribute('http.response.status_code', response.status);
            const requestId = response.headers.get('x-ms-request-id') ?? response.headers.get('x-ms-correlation-request-id');
            if (requestId) span.setAttribute('azure.request_id', requestId);
            if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
            return response;
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
  };
}
