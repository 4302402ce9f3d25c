/**
 * Evidence family "authorization": the pulling identity's role assignments at the registry (inherited and
 * group-transitive), every assignment at the registry's scope, custom role definitions, deny assignments,
 * and the principals holding pull roles (for rbac.misassigned).
 */
import type { DenyAssignment, RoleAssignment, RoleDefinition } from '@azure/arm-authorization';
import {
  ok,
  skipped,
  type ClusterFacts,
  type DenyAssignmentFact,
  type PrincipalFact,
  type Read,
  type RegistryFacts,
  type RoleAssignmentFact,
  type RoleDefinitionFact,
  scopeCovers,
} from '../triage/evidence';
import { builtInRole, judgeRole } from '../triage/roles';
import type { AzureClients } from './clients';
import { guidOrThrow, isGuid, quoteLiteral } from './arm-id';
import { denyAssignmentFact, roleAssignmentFact, roleDefinitionFact, str } from './facts';
import { graphQuery, REGISTRY_NOT_IDENTIFIED, type Spec } from './gather-shared';
import type { Puller } from './gather-identity';
import { collect, readArm } from './read';

const RA_READ = (registry: string) => `Microsoft.Authorization/roleAssignments/read on ${registry} (any Reader role)`;
const DENY_READ = (registry: string) => `Microsoft.Authorization/denyAssignments/read on ${registry} (any Reader role)`;

export interface AuthorizationInputs {
  clients: AzureClients;
  spec: Spec;
  /** The registry as located by the lookup (id, subscription, name); absent when it was not identified. */
  registryLocator?: { id: string; subscriptionId: string; name: string };
  registry: Promise<RegistryFacts | undefined>;
  cluster: Promise<ClusterFacts | undefined>;
  puller: Puller;
  /** `<cluster>-agentpool` identities the lookup already found (saves a round trip for rbac.misassigned). */
  kubeletNamedIdentities?: readonly PrincipalFact[];
}

export interface AuthorizationGathered {
  pullerAssignments: Promise<Read<RoleAssignmentFact[]>>;
  scopeAssignments: Promise<Read<RoleAssignmentFact[]>>;
  roleDefinitions: Promise<Record<string, Read<RoleDefinitionFact>>>;
  denyAssignments: Promise<Read<DenyAssignmentFact[]>>;
  principals: Promise<Read<PrincipalFact[]>>;
}

export function gatherAuthorization(inputs: AuthorizationInputs): AuthorizationGathered {
  const { clients, spec, registryLocator, puller } = inputs;
  const registryScope = registryLocator?.id;
  const registrySub = registryLocator?.subscriptionId;
  const registryName = registryLocator?.name ?? 'the registry';

  const readPullerAssignments = (principal: string | undefined): Promise<Read<RoleAssignmentFact[]>> => {
    if (!registryScope || !registrySub) return Promise.resolve(skipped(REGISTRY_NOT_IDENTIFIED, 'missing-input'));
    if (!principal)
      return Promise.resolve(skipped('the identity that pulls (kubelet identity or service principal object id) is not known', 'missing-input'));
    return pullerAssignmentsRead(clients, registrySub, registryScope, registryName, principal, spec);
  };
  const readDeny = (principal: string | undefined): Promise<Read<DenyAssignmentFact[]>> => {
    if (!registryScope || !registrySub) return Promise.resolve(skipped(REGISTRY_NOT_IDENTIFIED, 'missing-input'));
    if (!principal) return Promise.resolve(skipped('the identity that pulls is not known', 'missing-input'));
    const filter = `atScope() and assignedTo(${quoteLiteral(guidOrThrow(principal, 'puller object id'))})`;
    return readArm<DenyAssignment[], DenyAssignmentFact[]>(
      { ...spec, what: `deny assignments on ${registryName}`, needs: DENY_READ(registryName) },
      (abortSignal) => collect(clients.authorization(registrySub).denyAssignments.listForScope(registryScope, { filter, abortSignal })),
      (list) => list.map(denyAssignmentFact),
    );
  };
  // Reads start for the first-known puller; a different settled puller (the GET named a replaced kubelet identity) reads again.
  const first = puller.first.then((p) => ({ principal: p, assignments: readPullerAssignments(p), deny: readDeny(p) }));
  const settled = Promise.all([first, puller.settled]).then(([f, p]) =>
    p === f.principal ? f : { principal: p, assignments: readPullerAssignments(p), deny: readDeny(p) },
  );
  const pullerAssignments = settled.then((p) => p.assignments);
  const denyAssignments = settled.then((p) => p.deny);

  const scopeAssignments: Promise<Read<RoleAssignmentFact[]>> =
    registryScope && registrySub
      ? readArm<RoleAssignment[], RoleAssignmentFact[]>(
          { ...spec, what: `role assignments on ${registryName}`, needs: RA_READ(registryName) },
          (abortSignal) =>
            collect(clients.authorization(registrySub).roleAssignments.listForScope(registryScope, { filter: 'atScope()', abortSignal })),
          (list) => list.map(roleAssignmentFact),
        )
      : Promise.resolve(skipped(REGISTRY_NOT_IDENTIFIED, 'missing-input'));

  const roleDefinitions = Promise.all([pullerAssignments, scopeAssignments]).then(([a, b]) =>
    customRoleDefinitions(clients, registrySub, registryScope, [a, b], spec),
  );
  const principals = Promise.all([scopeAssignments, inputs.cluster, settled, inputs.registry, pullerAssignments, roleDefinitions]).then(
    ([assignments, cluster, p, registry, own, definitions]) =>
      pullerHoldsPull(own, registry, definitions)
        ? ok(knownPrincipals(cluster, p.principal))
        : inputs.kubeletNamedIdentities
          ? ok(withKubeletNamed(knownPrincipals(cluster, p.principal), inputs.kubeletNamedIdentities))
          : pullRoleHolders(clients, assignments, cluster, p.principal, registry, spec),
  );
  return { pullerAssignments, scopeAssignments, roleDefinitions, denyAssignments, principals };
}

async function pullerAssignmentsRead(
  clients: AzureClients,
  registrySub: string,
  scope: string,
  registryName: string,
  principal: string,
  spec: Spec,
): Promise<Read<RoleAssignmentFact[]>> {
  const id = guidOrThrow(principal, 'puller object id');
  const list = (filter: string) =>
    readArm<RoleAssignment[], RoleAssignmentFact[]>(
      { ...spec, what: `role assignments of ${id} on ${registryName}`, needs: RA_READ(registryName) },
      (abortSignal) => collect(clients.authorization(registrySub).roleAssignments.listForScope(scope, { filter, abortSignal })),
      (items) => items.map(roleAssignmentFact),
    );
  const read = await list(`atScope() and assignedTo(${quoteLiteral(id)})`);
  // Some scopes refuse the combined filter; principalId eq is always accepted but also returns assignments below the scope.
  if (read.state === 'failed' && read.failure.status === 400) {
    const fallback = await list(`principalId eq ${quoteLiteral(id)}`);
    return fallback.state === 'ok' ? ok(fallback.value.filter((a) => scopeCovers(a.scope, scope))) : fallback;
  }
  return read;
}

async function customRoleDefinitions(
  clients: AzureClients,
  registrySub: string | undefined,
  scope: string | undefined,
  reads: Read<RoleAssignmentFact[]>[],
  spec: Spec,
): Promise<Record<string, Read<RoleDefinitionFact>>> {
  if (!registrySub || !scope) return {};
  const unknown = new Set<string>();
  for (const read of reads) {
    if (read.state !== 'ok') continue;
    for (const a of read.value) if (!builtInRole(a.roleGuid) && isGuid(a.roleGuid)) unknown.add(a.roleGuid);
  }
  const entries = await Promise.all(
    [...unknown].map(async (guid) => {
      const read = await readArm<RoleDefinition, RoleDefinitionFact>(
        { ...spec, what: `role definition ${guid}`, needs: `Microsoft.Authorization/roleDefinitions/read at ${scope} (any Reader role)` },
        (abortSignal) => clients.authorization(registrySub).roleDefinitions.get(scope, guid, { abortSignal }),
        (def) => roleDefinitionFact(def, guid),
      );
      return [guid, read] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Other holders of pull roles only explain a failure ("but we did attach the registry!") when the pulling
 * identity has no pull grant of its own; otherwise naming them costs a request and tells nothing.
 */
function pullerHoldsPull(
  own: Read<RoleAssignmentFact[]>,
  registry: RegistryFacts | undefined,
  definitions: Record<string, Read<RoleDefinitionFact>>,
): boolean {
  if (own.state !== 'ok' || !registry) return false;
  const mode = registry.roleAssignmentMode === 'AbacRepositoryPermissions' ? 'abac' : 'legacy';
  return own.value.some(
    (a) => scopeCovers(a.scope, registry.id) && !a.condition && judgeRole(a.roleGuid, mode, definitions, registry.id).answer === 'yes',
  );
}

/** The principals the cluster itself names: its pulling identity and its control-plane identity. */
function knownPrincipals(cluster: ClusterFacts | undefined, puller: string | undefined): PrincipalFact[] {
  const known: PrincipalFact[] = [];
  if (puller && cluster) {
    const kidName = cluster.kubeletIdentity?.resourceId?.split('/').pop();
    known.push({
      principalId: puller,
      displayName: kidName ?? `${cluster.name} service principal`,
      ...(cluster.kubeletIdentity?.resourceId ? { resourceId: cluster.kubeletIdentity.resourceId } : {}),
    });
  }
  if (cluster?.identity?.principalId && cluster.identity.principalId !== puller) {
    known.push({ principalId: cluster.identity.principalId, displayName: `${cluster.name} control-plane identity` });
  }
  return known;
}

function withKubeletNamed(known: PrincipalFact[], named: readonly PrincipalFact[]): PrincipalFact[] {
  return [...known, ...named.filter((n) => !known.some((k) => k.principalId === n.principalId))];
}

/** Principals that hold a pull-capable role at the registry, named where we can (for rbac.misassigned). */
async function pullRoleHolders(
  clients: AzureClients,
  assignments: Read<RoleAssignmentFact[]>,
  cluster: ClusterFacts | undefined,
  puller: string | undefined,
  registry: RegistryFacts | undefined,
  spec: Spec,
): Promise<Read<PrincipalFact[]>> {
  if (assignments.state !== 'ok') return skipped('the role assignments on the registry could not be read', 'missing-input');
  const known = knownPrincipals(cluster, puller);
  const mode = registry?.roleAssignmentMode === 'AbacRepositoryPermissions' ? 'abac' : 'legacy';
  const holders = new Set<string>();
  for (const a of assignments.value) {
    // Registry roles (and custom roles) only: Owner/Contributor/Reader holders at subscription scope are
    // administrators, not a pull grant that went to the wrong identity.
    const role = builtInRole(a.roleGuid);
    const registryRole = role === undefined || /^(Acr|Container Registry)/i.test(role.name);
    const grants = registryRole && (!role || role.grantsPull(mode) !== 'no' || role.grantsPull(mode === 'abac' ? 'legacy' : 'abac') === 'yes');
    const servicePrincipal = a.principalType === undefined || a.principalType === 'ServicePrincipal';
    if (grants && servicePrincipal && isGuid(a.principalId)) holders.add(a.principalId.toLowerCase());
  }
  for (const p of known) holders.delete(p.principalId);
  if (holders.size === 0) return ok(known);
  const ids = [...holders].slice(0, 50);
  const query =
    "resources | where type =~ 'microsoft.managedidentity/userassignedidentities'" +
    ` | where ${ids.map((id) => `tostring(properties.principalId) =~ ${quoteLiteral(id)}`).join(' or ')}` +
    ' | project id, name, principalId = tostring(properties.principalId)';
  const found = await graphQuery(clients, query, {
    ...spec,
    what: 'the managed identities holding pull roles on the registry (Resource Graph)',
    needs: 'Reader on the subscriptions holding those identities',
  });
  if (found.state !== 'ok') return found;
  const named = found.value
    .map((row): PrincipalFact | undefined => {
      const principalId = str(row.principalId)?.toLowerCase();
      if (!principalId || !holders.has(principalId)) return undefined;
      return { principalId, ...(str(row.name) ? { displayName: str(row.name) } : {}), ...(str(row.id) ? { resourceId: str(row.id) } : {}) };
    })
    .filter((p): p is PrincipalFact => p !== undefined);
  return ok([...known, ...named]);
}
