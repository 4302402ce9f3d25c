/**
 * The one place that builds credential → clients → engine, for the bot and the CLI alike: real ARM through
 * DefaultAzureCredential (a user-assigned identity when AZURE_CLIENT_ID names one), or a stand-in's
 * in-process transport (the embedded emulator in demo mode). The engine is the same code either way.
 */
import type { TokenCredential } from '@azure/core-auth';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import type { Settings } from '../config';
import type { TriageEngine } from '../triage/engine';
import { createAzureClients, scopeFor } from './clients';
import { createTriageEngine } from './engine';
import { cachingCredential } from './token-cache';

/** What plays Azure instead of the real thing (the emulator): its credential, endpoint and transport. */
export interface AzureStandIn {
  credential: TokenCredential;
  endpoint: string;
  httpClient: HttpClient;
}

export interface EngineWiring {
  engine: TriageEngine;
  /** The credential the clients use, to probe before the first triage (readiness, the CLI's sign-in check). */
  credential: TokenCredential;
  /** The ARM token scope of that credential. */
  scope: string;
}

export function wireEngine(
  settings: Settings,
  options: {
    standIn?: AzureStandIn;
    podPollIntervalMs?: number;
    /** Wraps the transport every client sends through (tracing, the bot's work scheduler); the SDKs' default transport otherwise. */
    transport?: (inner: HttpClient) => HttpClient;
  } = {},
): EngineWiring {
  const { standIn, transport } = options;
  const credential =
    standIn?.credential ??
    cachingCredential(new DefaultAzureCredential(settings.azure.clientId ? { managedIdentityClientId: settings.azure.clientId } : {}));
  const endpoint = standIn?.endpoint ?? settings.azure.resourceManagerEndpoint;
  const httpClient = transport ? transport(standIn?.httpClient ?? createDefaultHttpClient()) : standIn?.httpClient;
  const clients = createAzureClients(
    standIn
      ? { credential, endpoint, ...(httpClient ? { httpClient } : {}) }
      : { credential, endpoint, subscriptionId: settings.azure.subscriptionId, ...(httpClient ? { httpClient } : {}) },
  );
  const engine = createTriageEngine({
    clients,
    pods: settings.triage.pods,
    podDeadlineMs: settings.triage.podDeadlineMs,
    ...(options.podPollIntervalMs !== undefined ? { podPollIntervalMs: options.podPollIntervalMs } : {}),
  });
  return { engine, credential, scope: scopeFor(endpoint) };
}
