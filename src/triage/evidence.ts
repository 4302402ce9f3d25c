/**
 * Evidence: everything a triage read, or why it could not read it. Azure adapters (src/azure/) fill it
 * in once per triage; checks (src/triage/checks/) are pure functions of it. The shapes are ours, not the
 * SDKs': normalised, flattened and free of SDK types, so a check test is a plain object literal.
 *
 * Conventions
 * - Every read is a `Read<T>`: `ok` with a value, `failed` with the reason and what would let us see,
 *   or `skipped` (not attempted on purpose: not applicable, turned off, or an input was missing). A skip
 *   carries a `SkipCause` so checks decide on it, never on the wording of `reason` (which is for people).
 * - ARM ids are kept as ARM returned them; compare them with `sameArmId` (case-insensitive).
 * - GUIDs (principal ids, role ids) are lowercase.
 */
import type { Target } from './refs';

export type ReadFailureKind =
  | 'forbidden' // 401/403, AuthorizationFailed
  | 'not-found' // 404
  | 'throttled' // 429 after retries
  | 'timeout' // deadline or abort
  | 'unavailable' // 5xx, connection refused/reset, DNS
  | 'malformed' // the answer did not have the shape we need
  | 'error'; // anything else

export interface ReadFailure {
  kind: ReadFailureKind;
  /** HTTP status when there was one. */
  status?: number;
  /** ARM error code (`AuthorizationFailed`, `ResourceNotFound`, …) when there was one. */
  code?: string;
  /** One sentence for a person: what could not be read and why. */
  message: string;
  /** What would let the bot see it: a permission (`Microsoft.Authorization/roleAssignments/read on <scope>`), a role, or an input. */
  needs?: string;
  /** ARM correlation / request id, for support tickets. */
  requestId?: string;
}

/**
 * Why a read was not attempted. Only `turned-off` and `not-applicable` say there is nothing to see; the
 * others leave the cause unseen, so a check that needed the read must say `unknown`, never skip or pass.
 * A skip without a cause (older adapters, hand-built evidence) is treated the same conservative way,
 * unless the check can tell by itself that the read does not apply.
 */
export type SkipCause =
  /** The user chose not to read it (`--no-pods`, TRIAGE_PODS=false). */
  | 'turned-off'
  /** Nothing of the kind exists in this world: a registry without private endpoints, a managed-identity cluster. */
  | 'not-applicable'
  /** Still being read; a later Evidence of the same triage carries it (pods while the ARM report is shown). */
  | 'pending'
  /** It could not be attempted: something it needs was not found, not read or not usable (the registry could not be identified). */
  | 'missing-input';

export type Read<T> = { state: 'ok'; value: T } | { state: 'failed'; failure: ReadFailure } | { state: 'skipped'; reason: string; cause?: SkipCause };

export const ok = <T>(value: T): Read<T> => ({ state: 'ok', value });
export const failed = <T>(failure: ReadFailure): Read<T> => ({ state: 'failed', failure });
export const skipped = <T>(reason: string, cause?: SkipCause): Read<T> =>
  cause === undefined ? { state: 'skipped', reason } : { state: 'skipped', reason, cause };

export function sameArmId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}

/** True when `ancestor` is `id` itself or a scope above it (`/subscriptions/s`, a resource group, `/`, a management group). */
export function scopeCovers(ancestor: string, id: string): boolean {
  const a = ancestor.toLowerCase().replace(/\/+$/, '');
  const i = id.toLowerCase();
  if (a === '' || a === '/') return true;
  if (a.startsWith('/providers/microsoft.management/managementgroups/')) return true; // subscriptions sit below some MG; ARM only returns MGs that do apply
  return i === a || i.startsWith(a + '/');
}

/** Where a resource is, as a lookup (Resource Graph or per-subscription list) found it. */
export interface ResourceLocator {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  tenantId?: string;
  /** Registries only: the login server, for matching and display. */
  loginServer?: string;
}

export interface Lookup {
  /** Every match; exactly one is needed to go on. */
  candidates: ResourceLocator[];
  /** Human description of what was searched: "3 subscriptions (Resource Graph)". */
  searched: string;
  /** Resource Graph said the result was truncated: more matches may exist. */
  truncated: boolean;
}

// ---------------------------------------------------------------------------------------------
// Cluster

export interface AgentPoolFact {
  name: string;
  count?: number;
  vmSize?: string;
  osType?: string; // Linux | Windows
  osSku?: string;
  /** VirtualMachineScaleSets | AvailabilitySet | VirtualMachines */
  type?: string;
  mode?: string;
  vnetSubnetId?: string;
  powerState?: string;
}

export interface ClusterFacts {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  provisioningState?: string;
  /** Running | Stopped */
  powerState?: string;
  kubernetesVersion?: string;
  nodeResourceGroup?: string;
  /** The control-plane identity: NOT used for image pulls. Absent on service-principal clusters. */
  identity?: { type: string; principalId?: string; tenantId?: string };
  /** `properties.identityProfile.kubeletidentity`: the identity nodes pull with on MSI clusters. */
  kubeletIdentity?: { resourceId?: string; clientId?: string; objectId?: string };
  /** `properties.servicePrincipalProfile.clientId`: `"msi"` on MSI clusters, an appId on SP clusters. */
  servicePrincipalClientId?: string;
  agentPools: AgentPoolFact[];
  network: {
    outboundType?: string; // loadBalancer | managedNATGateway | userAssignedNATGateway | userDefinedRouting | none
    networkPlugin?: string;
    /** Public IP (or prefix) resource ids the cluster egresses from (LB or managed NAT gateway). */
    effectiveOutboundIpIds: string[];
    httpProxy?: { httpProxy?: string; httpsProxy?: string; noProxy: string[] };
  };
  apiServer: { privateCluster: boolean; disableRunCommand: boolean; authorizedIpRanges: string[] };
  aad: { managed: boolean; azureRbac: boolean; localAccountsDisabled: boolean; tenantId?: string };
}

// ---------------------------------------------------------------------------------------------
// Registry

export interface PrivateEndpointConnectionFact {
  id: string;
  privateEndpointId?: string;
  /** Approved | Pending | Rejected | Disconnected */
  status?: string;
  description?: string;
  provisioningState?: string;
}

export interface RegistryFacts {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  tenantId?: string;
  /** Basic | Standard | Premium */
  sku: string;
  loginServer: string;
  provisioningState?: string;
  /** LegacyRegistryPermissions | AbacRepositoryPermissions; absent on older api-versions (treat as legacy). */
  roleAssignmentMode?: string;
  adminUserEnabled: boolean;
  anonymousPullEnabled: boolean;
  /** Enabled | Disabled */
  publicNetworkAccess?: string;
  networkRuleBypassOptions?: string;
  networkRuleSet?: { defaultAction: string; ipRules: { action?: string; value: string }[] };
  dataEndpointEnabled: boolean;
  dataEndpointHostNames: string[];
  privateEndpointConnections: PrivateEndpointConnectionFact[];
  /** `policies.azureADAuthenticationAsArmPolicy.status`: enabled | disabled */
  armAudienceTokens?: string;
}

// ---------------------------------------------------------------------------------------------
// Authorization

export interface RoleAssignmentFact {
  id: string;
  name: string;
  roleDefinitionId: string;
  /** Trailing GUID of roleDefinitionId, lowercase. */
  roleGuid: string;
  principalId: string;
  principalType?: string; // User | Group | ServicePrincipal | ForeignGroup | Device
  scope: string;
  condition?: string;
  conditionVersion?: string;
  createdOn?: string;
}

export interface PermissionFact {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinitionFact {
  guid: string;
  roleName: string;
  /** BuiltInRole | CustomRole */
  type: string;
  permissions: PermissionFact[];
}

export interface DenyAssignmentFact {
  id: string;
  name: string;
  description?: string;
  permissions: PermissionFact[];
  principalIds: string[];
  excludePrincipalIds: string[];
  scope?: string;
}

/** A principal found in the directory view we have (Resource Graph over managed identities, plus the cluster itself). */
export interface PrincipalFact {
  principalId: string;
  displayName?: string;
  /** The ARM id of a user-assigned identity, when the principal is one. */
  resourceId?: string;
}

// ---------------------------------------------------------------------------------------------
// Network

export interface EgressIpFact {
  /** Public IP or public IP prefix resource id. */
  id: string;
  /** A single address (public IP) … */
  ipAddress?: string;
  /** … or a CIDR (public IP prefix). */
  ipPrefix?: string;
}

export interface VmssFact {
  id: string;
  name: string;
  identityType?: string;
  /** Keys of `identity.userAssignedIdentities`, as returned. */
  userAssignedIdentityIds: string[];
}

export interface PrivateEndpointFact {
  id: string;
  name: string;
  subnetId?: string;
  /** Derived from subnetId. */
  vnetId?: string;
  /** From customDnsConfigs: each FQDN the endpoint serves and its private IPs. */
  dnsConfigs: { fqdn: string; ipAddresses: string[] }[];
  /** privateDnsZoneConfigs of the endpoint's DNS zone groups (zone ids), when read. */
  dnsZoneIds: string[];
}

export interface VnetFact {
  id: string;
  /** `dhcpOptions.dnsServers`: custom DNS when non-empty. */
  dnsServers: string[];
  peerings: { name: string; remoteVnetId: string; state: string }[];
}

export interface SubnetFact {
  id: string;
  routeTableId?: string;
  networkSecurityGroupId?: string;
  natGatewayId?: string;
}

export interface PrivateDnsZoneFact {
  id: string;
  name: string; // privatelink.azurecr.io
  vnetLinks: { name: string; vnetId: string; state?: string; registrationEnabled?: boolean }[];
  aRecords: { name: string; ipv4Addresses: string[] }[];
}

export interface NetworkEvidence {
  /** Public IPs the cluster egresses from (resolved from ClusterFacts.network.effectiveOutboundIpIds). */
  egressIps: Read<EgressIpFact[]>;
  /** The private endpoints named by the registry's private endpoint connections. */
  privateEndpoints: Read<PrivateEndpointFact[]>;
  /** The VNets the cluster's node subnets are in. */
  clusterVnets: Read<VnetFact[]>;
  /** The cluster's node subnets (route table / NSG / NAT gateway). */
  clusterSubnets: Read<SubnetFact[]>;
  /** Every `privatelink.azurecr.io` and `<region>.data.privatelink.azurecr.io` zone visible (or sovereign equivalents), with links and A records. */
  privateDnsZones: Read<PrivateDnsZoneFact[]>;
}

// ---------------------------------------------------------------------------------------------
// Inside the cluster (run command)

export interface ContainerFact {
  name: string;
  image: string;
  kind: 'container' | 'init' | 'ephemeral';
  /** state.waiting.reason: ErrImagePull, ImagePullBackOff, InvalidImageName, … */
  waitingReason?: string;
  waitingMessage?: string;
}

export interface PodFact {
  namespace: string;
  name: string;
  nodeName?: string;
  serviceAccountName?: string;
  imagePullSecrets: string[];
  containers: ContainerFact[];
  nodeSelector?: Record<string, string>;
}

export interface EventFact {
  namespace: string;
  involvedKind: string;
  involvedName: string;
  reason: string;
  message: string;
  count?: number;
  lastTimestamp?: string;
}

export interface NodeFact {
  name: string;
  os?: string;
  arch?: string;
  agentPool?: string;
}

export interface ServiceAccountFact {
  namespace: string;
  name: string;
  imagePullSecrets: string[];
}

export interface PullSecretFact {
  namespace: string;
  name: string;
}

/**
 * What the bot saw inside the cluster. Pods are the root (without them there is no pod evidence at all);
 * every other piece is read on its own, so a role without `secrets` or `nodes` (AKS RBAC Reader) still
 * yields pull errors, and each missing piece says which Kubernetes permission would show it.
 */
export interface KubeFacts {
  /** How it was read: `run-command` (private clusters included) or `kubernetes-api` (straight to the API server). */
  via: 'run-command' | 'kubernetes-api';
  /** Why run command was used instead of the Kubernetes API (private API server, no answer, no credential). */
  viaReason?: string;
  /** How many pods the cluster holds; `pods` lists only those with a container waiting on an image pull. */
  podCount?: number;
  pods: PodFact[];
  /** Events with reason `Failed` (kubelet's pull failures among them). */
  events: Read<EventFact[]>;
  nodes: Read<NodeFact[]>;
  /** Service accounts that carry imagePullSecrets. */
  serviceAccounts: Read<ServiceAccountFact[]>;
  /** Names of kubernetes.io/dockerconfigjson secrets (never their contents). */
  pullSecrets: Read<PullSecretFact[]>;
}

/** The list a piece of pod evidence holds, or none when it could not be read. */
export function readList<T>(read: Read<T[]>): T[] {
  return read.state === 'ok' ? read.value : [];
}

// ---------------------------------------------------------------------------------------------
// Other sources

export interface ServicePrincipalFact {
  appId: string;
  objectId?: string;
  /** passwordCredentials[].endDateTime (ISO). */
  secretEndDates: string[];
}

export interface ImageFact {
  /** host/repository:tag as checked. */
  reference: string;
  exists: boolean;
  /** Some tags of the repository when the tag was missing (for "did you mean"). */
  knownTags?: string[];
  /** Platforms of the manifest list / index, or of the single manifest. */
  platforms?: { os: string; architecture: string; variant?: string }[];
}

export interface Evidence {
  target: Target;
  /** ISO time the gathering started; checks use it as "now" (SP secret expiry) so they stay pure. */
  collectedAt: string;

  clusterLookup: Read<Lookup>;
  cluster: Read<ClusterFacts>;
  /** Tenant of the cluster's subscription (when the cluster has no identity.tenantId). */
  clusterTenantId: Read<string>;

  registryLookup: Read<Lookup>;
  registry: Read<RegistryFacts>;

  /** `atScope() and assignedTo('<puller objectId>')` at the registry: inherited and group-transitive. */
  pullerAssignments: Read<RoleAssignmentFact[]>;
  /** `atScope()` at the registry: every principal's assignments at or above it. */
  scopeAssignments: Read<RoleAssignmentFact[]>;
  /** Definitions of roles not in the built-in table (custom roles), keyed by lowercase GUID. */
  roleDefinitions: Record<string, Read<RoleDefinitionFact>>;
  /** Deny assignments at or above the registry that apply to the puller. */
  denyAssignments: Read<DenyAssignmentFact[]>;
  /** Principals holding pull roles at the registry, as far as they could be identified (for rbac.misassigned). */
  principals: Read<PrincipalFact[]>;

  /** VM scale sets in the node resource group. */
  vmss: Read<VmssFact[]>;
  network: NetworkEvidence;

  /** Pods, events, nodes through AKS run command. */
  kube: Read<KubeFacts>;
  /** Service-principal clusters only (Microsoft Graph). */
  servicePrincipal: Read<ServicePrincipalFact>;
  /** The image named by the user (or the failing pods), read from the registry's data plane with the bot's identity. */
  image: Read<ImageFact>;
}
