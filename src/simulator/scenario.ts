/**
 * A scenario is a small Azure world in ARM's own wire format (REST bodies with nested `properties`), plus
 * what is inside its clusters and registries, plus what a triage of it should conclude. The ARM emulator
 * serves a world; the demo mode and every integration test use scenarios.
 */
import type { KubeSection } from '../azure/kube-command';
import type { CheckId, Status, Verdict } from '../triage/report';

/** An ARM resource exactly as GET returns it (REST form: `properties` nested, not flattened). */
export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  sku?: { name: string; tier?: string };
  identity?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  /** Resource Graph reports it; ARM GET does not. */
  tenantId?: string;
}

/** A role assignment in REST form: `{ id, name, type, properties: { roleDefinitionId, principalId, principalType, scope, condition, … } }`. */
export interface ArmRoleAssignment {
  id: string;
  name: string;
  type?: string;
  properties: {
    roleDefinitionId: string;
    principalId: string;
    principalType?: string;
    scope: string;
    condition?: string | null;
    conditionVersion?: string | null;
    description?: string | null;
    createdOn?: string;
  };
}

export interface ArmRoleDefinition {
  id: string;
  name: string; // GUID
  type?: string;
  properties: {
    roleName: string;
    type: 'BuiltInRole' | 'CustomRole';
    description?: string;
    permissions: { actions: string[]; notActions: string[]; dataActions?: string[]; notDataActions?: string[] }[];
    assignableScopes: string[];
  };
}

export interface ArmDenyAssignment {
  id: string;
  name: string;
  properties: {
    denyAssignmentName: string;
    description?: string;
    permissions: { actions: string[]; notActions: string[]; dataActions?: string[]; notDataActions?: string[] }[];
    scope: string;
    principals: { id: string; type: string }[];
    excludePrincipals?: { id: string; type: string }[];
  };
}

/** Kubernetes objects of one cluster, in the Kubernetes API's JSON form (v1 Pod, Event, Node, ServiceAccount). */
export interface KubeState {
  pods: Record<string, unknown>[];
  events: Record<string, unknown>[];
  nodes: Record<string, unknown>[];
  serviceAccounts?: Record<string, unknown>[];
  /** Names of kubernetes.io/dockerconfigjson secrets. */
  pullSecrets?: { namespace: string; name: string }[];
  /** Kubernetes resources the bot's identity may not list (AKS RBAC Reader: `secrets`, `nodes`): kubectl answers Forbidden. */
  forbidden?: KubeSection[];
  /** Run command cannot start its pod (e.g. egress-locked cluster): the result says provisioningState Failed with this reason. */
  runCommandFailure?: string;
}

/** What the registry's data plane holds, for image.exists / image.platform (served in-process only). */
export interface RegistryContent {
  /** repository -> tag -> platforms of the image (one entry = single-platform manifest). */
  repositories: Record<string, Record<string, { os: string; architecture: string; variant?: string }[]>>;
}

export interface World {
  /** The identity the bot runs as (principal object id) and its tenant. */
  caller: { principalId: string; tenantId: string; clientId?: string };
  subscriptions: { subscriptionId: string; tenantId: string; displayName: string }[];
  /**
   * Subscriptions the caller may read. Others exist (their resources are in `resources`) but answer 403
   * and are absent from Resource Graph — like another tenant or a subscription without a role.
   * Absent = all of `subscriptions`.
   */
  readableSubscriptions?: string[];
  /** Scopes (prefixes, case-insensitive) under which reads answer 403 even inside readable subscriptions. */
  forbiddenScopes?: string[];
  resources: ArmResource[];
  roleAssignments: ArmRoleAssignment[];
  /** Custom roles only; the emulator knows the built-in roles that matter for pulls (docs/domain.md#registry-modes-and-pull-roles). */
  roleDefinitions?: ArmRoleDefinition[];
  denyAssignments?: ArmDenyAssignment[];
  /** group object id -> member object ids (for assignedTo() transitive expansion). */
  groups?: Record<string, string[]>;
  /** What `GET {scope}/providers/Microsoft.Authorization/permissions` answers for the caller, by scope prefix. Absent = derived from the caller's role assignments. */
  callerPermissions?: Record<string, { actions: string[]; notActions: string[]; dataActions?: string[]; notDataActions?: string[] }[]>;
  /** Kubernetes state per cluster resource id (lowercase). */
  kube?: Record<string, KubeState>;
  /** Registry data plane per login server. */
  registryContent?: Record<string, RegistryContent>;
  /** Microsoft Graph: service principals and their applications' secrets. */
  graph?: { servicePrincipals: { appId: string; id: string; displayName?: string; passwordCredentials: { endDateTime: string }[] }[] };
  /** Resource Graph unavailable (403/disabled) — forces the per-subscription fallback. */
  resourceGraphDisabled?: boolean;
}

/** Fault injection: the first matching rule decides (then counts down `times`, if set). */
export interface Fault {
  method?: string;
  /** Case-insensitive substring of the request path (no query), or a RegExp source when it starts with `^`. */
  path: string;
  /** Extra delay before answering. */
  latencyMs?: number;
  /** Answer with this HTTP status and an ARM error body. */
  status?: number;
  code?: string;
  message?: string;
  /** Seconds, sent as Retry-After (429/503). */
  retryAfter?: number;
  /** Never answer (until the client gives up). */
  hang?: boolean;
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean;
  /** How many times the rule applies; absent = always. */
  times?: number;
}

export interface Scenario {
  /** Kebab-case; also the demo cluster's name where that reads well (`aks-missing-role`). */
  name: string;
  /** One line: what is broken (or why this healthy variant matters). */
  description: string;
  /** What a person would type. */
  target: { cluster: string; registry: string };
  world: World;
  faults?: Fault[];
  /** What the triage must conclude; integration tests assert it. */
  expect: { verdict: Verdict; statuses: Partial<Record<CheckId, Status>> };
}
