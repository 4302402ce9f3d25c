/**
 * What `check` may send to Azure. ARM writes are PUT, PATCH and DELETE; POST is an action and may be a
 * write too, so each POST must be one of the reads below.
 */
import { READ_ONLY_KUBE_COMMANDS } from '../../src/azure/kube-command';
import type { RecordedRequest } from '../../src/simulator/emulator';

const RESOURCE_GRAPH = /^\/providers\/Microsoft\.ResourceGraph\/resources$/i;
const RUN_COMMAND = /\/providers\/Microsoft\.ContainerService\/managedClusters\/[^/]+\/runCommand$/i;
const REGISTRY_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.azurecr\.(io|cn|us|de)$/i;
/** ACR's token endpoints: exchange an Entra token for a refresh token, then for a pull-scoped access token. Reads. */
const ACR_TOKEN_EXCHANGE = /^\/oauth2\/(exchange|token)$/i;

export function isWriteMethod(request: RecordedRequest): boolean {
  return ['PUT', 'PATCH', 'DELETE'].includes(request.method.toUpperCase());
}

/**
 * Why a POST is a read, or undefined when it is not known to be one. Permission reads
 * (`…/providers/Microsoft.Authorization/permissions`) are GETs in ARM, so they never appear here.
 */
export function readOnlyPostKind(
  request: RecordedRequest,
): 'resource-graph' | 'run-command' | 'acr-token-exchange' | 'cluster-user-credential' | undefined {
  if (request.method.toUpperCase() !== 'POST') return undefined;
  if (REGISTRY_HOST.test(request.host)) return ACR_TOKEN_EXCHANGE.test(request.path) ? 'acr-token-exchange' : undefined;
  if (RESOURCE_GRAPH.test(request.path)) return 'resource-graph';
  // Reads the cluster-user kubeconfig (server, CA, a user credential) for the Kubernetes API path; changes nothing.
  if (/\/managedClusters\/[^/]+\/listClusterUserCredential$/i.test(request.path)) return 'cluster-user-credential';
  if (RUN_COMMAND.test(request.path)) {
    const command = (request.body as { command?: unknown } | undefined)?.command;
    return typeof command === 'string' && READ_ONLY_KUBE_COMMANDS.includes(command) ? 'run-command' : undefined;
  }
  return undefined;
}

/** Every request that is not a plain read, as `METHOD host path` lines (empty when `check` only read). */
export function nonReads(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter((r) => isWriteMethod(r) || (r.method.toUpperCase() !== 'GET' && r.method.toUpperCase() !== 'HEAD' && readOnlyPostKind(r) === undefined))
    .map((r) => `${r.method} ${r.host} ${r.path}`);
}

export function isRunCommand(request: RecordedRequest): boolean {
  return RUN_COMMAND.test(request.path) || /\/managedClusters\/[^/]+\/commandResults\//i.test(request.path);
}
