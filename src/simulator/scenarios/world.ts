/**
 * Turning builder output into a World, and merging Worlds. `assemble` adds what every scenario shares:
 * the subscriptions its ids live in, the bot's identity and its roles (read everywhere readable, run
 * command on clusters, pull + role-assignment write on registries — so the demo's approve button works),
 * and the registries' data-plane content. `mergeWorlds` is how demoWorld() combines scenarios: the same id
 * twice must mean the same JSON, or it throws.
 */
import type { ArmDenyAssignment, ArmResource, ArmRoleAssignment, ArmRoleDefinition, KubeState, RegistryContent, World } from '../scenario';
import {
  type ClusterBundle,
  type RegistryBundle,
  customRole,
  roleAssignment,
  subscription,
  subscriptionScope,
  userAssignedIdentity,
} from './builders';
import { BOT, SUBS, UNREADABLE_SUBSCRIPTIONS } from './estate';

type Permission = { actions: string[]; notActions: string[]; dataActions?: string[]; notDataActions?: string[] };
type ServicePrincipal = NonNullable<World['graph']>['servicePrincipals'][number];

/** The bot's least-privilege role on clusters: read them and run the one read-only kubectl command. */
export const BOT_CLUSTER_ROLE: ArmRoleDefinition = customRole({
  roleName: 'Registry Triage Cluster Reader',
  sub: SUBS.platform,
  description: 'Read AKS clusters and run the read-only pod/event listing of aks-registry-triage through run command.',
  actions: [
    'Microsoft.ContainerService/managedClusters/read',
    'Microsoft.ContainerService/managedClusters/runcommand/action',
    'Microsoft.ContainerService/managedclusters/commandResults/read',
  ],
  assignableScopes: [subscriptionScope(SUBS.apps)],
});

const READ: Permission = { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] };
const CLUSTER_OPERATOR: Permission = {
  actions: ['*/read', ...BOT_CLUSTER_ROLE.properties.permissions[0].actions.filter((a) => !a.endsWith('/read'))],
  notActions: [],
  dataActions: [],
  notDataActions: [],
};
function registryOperator(mode: RegistryBundle['mode']): Permission {
  return {
    actions: [
      '*/read',
      'Microsoft.Authorization/roleAssignments/write',
      'Microsoft.Authorization/roleAssignments/delete',
      ...(mode === 'legacy' ? ['Microsoft.ContainerRegistry/registries/pull/read'] : []),
    ],
    notActions: [],
    dataActions:
      mode === 'abac'
        ? ['Microsoft.ContainerRegistry/registries/repositories/content/read', 'Microsoft.ContainerRegistry/registries/repositories/metadata/read']
        : [],
    notDataActions: [],
  };
}

export interface WorldParts {
  clusters?: ClusterBundle[];
  registries?: RegistryBundle[];
  /** Anything else: VNets, private endpoints, DNS zones, identities. */
  resources?: ArmResource[];
  roleAssignments?: ArmRoleAssignment[];
  roleDefinitions?: ArmRoleDefinition[];
  denyAssignments?: ArmDenyAssignment[];
  groups?: Record<string, string[]>;
  kube?: { cluster: ClusterBundle; state: KubeState }[];
  servicePrincipals?: ServicePrincipal[];
  forbiddenScopes?: string[];
  resourceGraphDisabled?: boolean;
}

function subOf(id: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase();
}

export function assemble(parts: WorldParts): World {
  const clusters = parts.clusters ?? [];
  const registries = parts.registries ?? [];
  const bot = userAssignedIdentity({
    name: BOT.name,
    rg: BOT.resourceGroup,
    sub: BOT.subscriptionId,
    principalId: BOT.principalId,
    clientId: BOT.clientId,
  });
  const resources = [bot.resource, ...clusters.flatMap((c) => c.resources), ...registries.map((r) => r.resource), ...(parts.resources ?? [])];

  const subs = new Set<string>([BOT.subscriptionId]);
  for (const r of resources) {
    const s = subOf(r.id);
    if (s) subs.add(s);
  }
  for (const a of parts.roleAssignments ?? []) {
    const s = subOf(a.properties.scope);
    if (s) subs.add(s);
  }
  const subscriptions = [...subs].sort().map(subscription);
  const readable = subscriptions.map((s) => s.subscriptionId).filter((s) => !UNREADABLE_SUBSCRIPTIONS.includes(s));

  const botAssignments: ArmRoleAssignment[] = readable.map((s) =>
    roleAssignment({
      role: 'Reader',
      principal: BOT.principalId,
      scope: subscriptionScope(s),
      description: 'aks-registry-triage: read-only view of the subscription',
    }),
  );
  const callerPermissions: Record<string, Permission[]> = Object.fromEntries(readable.map((s) => [subscriptionScope(s), [READ]]));
  for (const c of clusters) {
    if (!readable.includes(c.sub)) continue;
    botAssignments.push(
      roleAssignment({
        role: BOT_CLUSTER_ROLE,
        principal: BOT.principalId,
        scope: c.id,
        description: 'aks-registry-triage: read pods and events through run command',
      }),
      roleAssignment({ role: 'AksRbacReader', principal: BOT.principalId, scope: c.id, description: 'aks-registry-triage: Kubernetes read access' }),
    );
    callerPermissions[c.id] = [CLUSTER_OPERATOR];
  }
  for (const r of registries) {
    if (!readable.includes(r.sub)) continue;
    botAssignments.push(
      roleAssignment({
        role: r.mode === 'abac' ? 'RepositoryReader' : 'AcrPull',
        principal: BOT.principalId,
        scope: r.id,
        description: 'aks-registry-triage: check that images exist and which platforms they have',
      }),
      roleAssignment({
        role: 'RbacAdministrator',
        principal: BOT.principalId,
        scope: r.id,
        description: 'aks-registry-triage: grant pull roles after approval',
      }),
    );
    callerPermissions[r.id] = [registryOperator(r.mode)];
  }

  const registryContent: Record<string, RegistryContent> = {};
  for (const r of registries) if (r.content) registryContent[r.loginServer] = r.content;
  const kube: Record<string, KubeState> = {};
  for (const k of parts.kube ?? []) kube[k.cluster.id.toLowerCase()] = k.state;

  return {
    caller: { principalId: BOT.principalId, tenantId: BOT.tenantId, clientId: BOT.clientId },
    subscriptions,
    readableSubscriptions: readable,
    ...(parts.forbiddenScopes ? { forbiddenScopes: parts.forbiddenScopes } : {}),
    resources,
    roleAssignments: [...botAssignments, ...(parts.roleAssignments ?? [])],
    roleDefinitions: [BOT_CLUSTER_ROLE, ...(parts.roleDefinitions ?? [])],
    denyAssignments: parts.denyAssignments ?? [],
    ...(parts.groups ? { groups: parts.groups } : {}),
    callerPermissions,
    kube,
    registryContent,
    ...(parts.servicePrincipals ? { graph: { servicePrincipals: parts.servicePrincipals } } : {}),
    ...(parts.resourceGraphDisabled ? { resourceGraphDisabled: true } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Merging

export class WorldConflictError extends Error {
  readonly code = 'WorldConflict';
  constructor(
    message: string,
    readonly key: string,
  ) {
    super(message);
    this.name = 'WorldConflictError';
  }
}

/** JSON with object keys sorted, so equal content compares equal whatever order it was built in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function mergeBy<T>(what: string, lists: readonly (readonly T[])[], keyOf: (t: T) => string): T[] {
  const seen = new Map<string, { item: T; json: string }>();
  for (const list of lists) {
    for (const item of list) {
      const key = keyOf(item).toLowerCase();
      const json = canonicalJson(item);
      const prior = seen.get(key);
      if (!prior) seen.set(key, { item, json });
      else if (prior.json !== json) throw new WorldConflictError(`Two scenarios define ${what} ${keyOf(item)} differently`, key);
    }
  }
  return [...seen.values()].map((v) => v.item);
}

function mergeRecords<T>(what: string, records: readonly (Record<string, T> | undefined)[]): Record<string, T> {
  const entries = mergeBy(
    what,
    records.map((r) => Object.entries(r ?? {})),
    ([k]) => k,
  );
  return Object.fromEntries(entries);
}

/**
 * One world serving all the given worlds at once. Readability and forbidden scopes are unions (each
 * scenario's unreadable subscription stays unreadable); Resource Graph stays on — a world-wide switch
 * cannot belong to one scenario.
 */
export function mergeWorlds(worlds: readonly World[]): World {
  if (worlds.length === 0) throw new Error('mergeWorlds needs at least one world');
  const callers = new Set(worlds.map((w) => canonicalJson(w.caller)));
  if (callers.size > 1) throw new WorldConflictError('Scenarios disagree about the caller identity', 'caller');
  const readable = new Set<string>();
  for (const w of worlds) for (const s of w.readableSubscriptions ?? w.subscriptions.map((x) => x.subscriptionId)) readable.add(s);
  const sps = mergeBy(
    'service principal',
    worlds.map((w) => w.graph?.servicePrincipals ?? []),
    (sp) => sp.appId,
  );
  return {
    caller: worlds[0].caller,
    subscriptions: mergeBy(
      'subscription',
      worlds.map((w) => w.subscriptions),
      (s) => s.subscriptionId,
    ),
    readableSubscriptions: [...readable].sort(),
    forbiddenScopes: [...new Set(worlds.flatMap((w) => w.forbiddenScopes ?? []))],
    resources: mergeBy(
      'resource',
      worlds.map((w) => w.resources),
      (r) => r.id,
    ),
    roleAssignments: mergeBy(
      'role assignment',
      worlds.map((w) => w.roleAssignments),
      (a) => a.id,
    ),
    roleDefinitions: mergeBy(
      'role definition',
      worlds.map((w) => w.roleDefinitions ?? []),
      (d) => d.id,
    ),
    denyAssignments: mergeBy(
      'deny assignment',
      worlds.map((w) => w.denyAssignments ?? []),
      (d) => d.id,
    ),
    groups: mergeRecords(
      'group',
      worlds.map((w) => w.groups),
    ),
    callerPermissions: mergeRecords(
      'caller permission scope',
      worlds.map((w) => w.callerPermissions),
    ),
    kube: mergeRecords(
      'cluster (kube state)',
      worlds.map((w) => w.kube),
    ),
    registryContent: mergeRecords(
      'registry content',
      worlds.map((w) => w.registryContent),
    ),
    ...(sps.length > 0 ? { graph: { servicePrincipals: sps } } : {}),
  };
}
