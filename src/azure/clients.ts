/**
 * One factory for every Azure client a triage or a grant uses. Everything points at one ARM endpoint and
 * asks the credential for that endpoint's scope (sovereign clouds, Azure Stack and the emulator differ from
 * the public cloud). Clients that need a subscription are created per subscription on first use and cached
 * in the returned object (the most recently used few), never globally.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  exponentialRetryPolicy,
  throttlingRetryPolicy,
  type HttpClient,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type PipelineRetryOptions,
} from '@azure/core-rest-pipeline';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ContainerRegistryManagementClient } from '@azure/arm-containerregistry';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { NetworkManagementClient } from '@azure/arm-network';
import { ComputeManagementClient } from '@azure/arm-compute';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { ResourceGraphClient } from '@azure/arm-resourcegraph';
import { HttpHeaders as MsHttpHeaders } from '@azure/ms-rest-js';
import { LruMap } from '../limits/lru';
import { subscriptionGuard } from './scope-guard';
import { cachingCredential } from './token-cache';
import type { HttpClient as MsHttpClient, HttpOperationResponse, RequestPolicyFactory, WebResourceLike } from '@azure/ms-rest-js';

/** The AKS AAD server application: tokens for it authorise kubectl (and run command's clusterToken). */
export const AKS_AAD_SERVER_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default';
/** ACR's own audience, for registries that refuse ARM-audience tokens. */
export const ACR_AUDIENCE_SCOPE = 'https://containerregistry.azure.net/.default';

export interface AzureClientsOptions {
  credential: TokenCredential;
  /** ARM endpoint, e.g. https://management.azure.com (no trailing slash needed). */
  endpoint: string;
  /** The SDKs' own transport option; production leaves it unset, tests and the demo pass the emulator's. */
  httpClient?: HttpClient;
  /** Default subscription (AZURE_SUBSCRIPTION_ID). */
  subscriptionId?: string;
  /** Microsoft Graph base, default https://graph.microsoft.com. */
  graphEndpoint?: string;
  /** Retry policy of the SDK pipelines (ARM reads also have their own per-read deadline). */
  retryOptions?: PipelineRetryOptions;
  /** Subscriptions whose clients are kept (least recently used dropped beyond it). */
  maxSubscriptionClients?: number;
  /** TRIAGE_ALLOWED_SUBSCRIPTIONS: when set, ARM requests under any other subscription are refused locally. */
  allowedSubscriptions?: readonly string[];
}

export const DEFAULT_MAX_SUBSCRIPTION_CLIENTS = 32;

/** Counts the HTTP requests made inside `meter.run(...)`, across every client, without global state. */
export class RequestMeter {
  private readonly storage = new AsyncLocalStorage<{ count: number }>();

  run<T>(counter: { count: number }, fn: () => Promise<T>): Promise<T> {
    return this.storage.run(counter, fn);
  }

  hit(): void {
    const counter = this.storage.getStore();
    if (counter) counter.count += 1;
  }

  /** A core-rest-pipeline policy that counts each attempt, retries included. */
  policy(): PipelinePolicy {
    return {
      name: 'triageRequestMeter',
      sendRequest: (request, next) => {
        this.hit();
        return next(request);
      },
    };
  }
}

export interface AzureClients {
  readonly endpoint: string;
  /** `<endpoint>/.default` */
  readonly scope: string;
  readonly graphEndpoint: string;
  readonly credential: TokenCredential;
  readonly defaultSubscriptionId?: string;
  readonly meter: RequestMeter;
  containerService(subscriptionId: string): ContainerServiceClient;
  containerRegistry(subscriptionId: string): ContainerRegistryManagementClient;
  authorization(subscriptionId: string): AuthorizationManagementClient;
  network(subscriptionId: string): NetworkManagementClient;
  compute(subscriptionId: string): ComputeManagementClient;
  privateDns(subscriptionId: string): PrivateDnsManagementClient;
  subscriptions(): SubscriptionClient;
  resourceGraph(): ResourceGraphClient;
  /**
   * For hosts no SDK covers (ACR data plane, Microsoft Graph): the same transport, retries and meter, no
   * authentication policy (callers set the bearer token of the audience they need).
   */
  send(request: PipelineRequest): Promise<PipelineResponse>;
}

export class ClientConfigError extends Error {
  readonly code = 'InvalidConfig';
  constructor(message: string) {
    super(message);
    this.name = 'ClientConfigError';
  }
}

export function scopeFor(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/.default`;
}

export function createAzureClients(options: AzureClientsOptions): AzureClients {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  if (!/^https:\/\//i.test(endpoint)) throw new ClientConfigError(`ARM endpoint must be https: ${options.endpoint}`);
  const scope = scopeFor(endpoint);
  const graphEndpoint = (options.graphEndpoint ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  // One token per scope for all clients (see token-cache.ts).
  const credential = cachingCredential(options.credential);
  const meter = new RequestMeter();
  const httpClient = options.httpClient ?? createDefaultHttpClient();
  const common = {
    endpoint,
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
  };

  const guard = options.allowedSubscriptions?.length ? subscriptionGuard(endpoint, options.allowedSubscriptions) : undefined;
  const perSubscription = <C extends { pipeline: Pipeline }>(make: (subscriptionId: string) => C) => {
    // Bounded: a subscription id comes from whatever a requester typed, and each client holds a pipeline.
    const cache = new LruMap<string, C>(options.maxSubscriptionClients ?? DEFAULT_MAX_SUBSCRIPTION_CLIENTS);
    return (subscriptionId: string): C => {
      const key = subscriptionId.toLowerCase();
      let client = cache.get(key);
      if (!client) {
        client = make(subscriptionId);
        client.pipeline.addPolicy(meter.policy(), { phase: 'Retry' });
        if (guard) client.pipeline.addPolicy(guard);
        cache.set(key, client);
      }
      return client;
    };
  };

  const containerService = perSubscription((s) => new ContainerServiceClient(credential, s, { ...common, credentials: { scopes: [scope] } }));
  const containerRegistry = perSubscription((s) => new ContainerRegistryManagementClient(credential, s, common));
  const authorization = perSubscription((s) => new AuthorizationManagementClient(credential, s, common));
  const network = perSubscription((s) => new NetworkManagementClient(credential, s, common));
  const compute = perSubscription((s) => new ComputeManagementClient(credential, s, common));
  const privateDns = perSubscription((s) => new PrivateDnsManagementClient(credential, s, common));

  let subscriptionClient: SubscriptionClient | undefined;
  let graphClient: ResourceGraphClient | undefined;
  const rawPipeline = createEmptyPipeline();
  rawPipeline.addPolicy(exponentialRetryPolicy(options.retryOptions ?? {}), { phase: 'Retry' });
  rawPipeline.addPolicy(throttlingRetryPolicy(), { phase: 'Retry' });
  rawPipeline.addPolicy(meter.policy(), { phase: 'Retry' });
  if (guard) rawPipeline.addPolicy(guard);

  return {
    endpoint,
    scope,
    graphEndpoint,
    credential,
    defaultSubscriptionId: options.subscriptionId,
    meter,
    containerService,
    containerRegistry,
    authorization,
    network,
    compute,
    privateDns,
    subscriptions() {
      if (!subscriptionClient) {
        subscriptionClient = new SubscriptionClient(credential, common);
        subscriptionClient.pipeline.addPolicy(meter.policy(), { phase: 'Retry' });
        if (guard) subscriptionClient.pipeline.addPolicy(guard);
      }
      return subscriptionClient;
    },
    resourceGraph() {
      if (!graphClient) {
        graphClient = new ResourceGraphClient(new ScopedCredential(credential, scope), {
          baseUri: endpoint,
          // Our read layer decides about retries (4.2.1 does not retry 429 itself and would wait long on 5xx).
          noRetryPolicy: true,
          ...(options.httpClient ? { httpClient: new MsRestHttpClientAdapter(options.httpClient) } : {}),
          requestPolicyFactories: (defaults: RequestPolicyFactory[]) => [...defaults, meteredPolicyFactory(meter)],
        });
      }
      return graphClient;
    },
    send: (request) => rawPipeline.sendRequest(httpClient, request),
  };
}

/** Hands out tokens for a fixed scope whatever the client asks for (arm-resourcegraph 4.2.1 only knows public-cloud scopes). */
export class ScopedCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly scope: string,
  ) {}

  getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    return this.inner.getToken(this.scope, options);
  }
}

function meteredPolicyFactory(meter: RequestMeter): RequestPolicyFactory {
  return {
    create: (nextPolicy) => ({
      sendRequest: (request: WebResourceLike) => {
        meter.hit();
        return nextPolicy.sendRequest(request);
      },
    }),
  };
}

/** Lets the ms-rest-js based ResourceGraphClient use a core-rest-pipeline HttpClient (the emulator's transport). */
export class MsRestHttpClientAdapter implements MsHttpClient {
  constructor(private readonly inner: HttpClient) {}

  async sendRequest(request: WebResourceLike): Promise<HttpOperationResponse> {
    const headers = createHttpHeaders();
    for (const header of request.headers.headersArray()) headers.set(header.name, header.value);
    const pipelineRequest = createPipelineRequest({
      url: request.url,
      method: request.method,
      headers,
      body: typeof request.body === 'string' ? request.body : request.body === undefined ? undefined : JSON.stringify(request.body),
      abortSignal: request.abortSignal as AbortSignal | undefined,
      timeout: request.timeout,
    });
    const response = await this.inner.sendRequest(pipelineRequest);
    const responseHeaders = new MsHttpHeaders();
    for (const [name, value] of response.headers) responseHeaders.set(name, value);
    return { request, status: response.status, headers: responseHeaders, bodyAsText: response.bodyAsText ?? null };
  }
}
