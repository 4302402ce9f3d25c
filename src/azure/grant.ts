/**
 * Carries out an approved GrantPlan (docs/domain.md#role-assignments-and-the-grant) and verifies it. Before writing, everything the plan
 * rests on is re-read: the cluster must still pull with the same principal, the registry must still be in
 * the same mode, and nobody must have granted it meanwhile. Then one idempotent PUT with a deterministic
 * name, retried only on errors that can pass (replication delay, throttling, 5xx).
 */
import { createHash } from 'node:crypto';
import type { Permission, RoleAssignment } from '@azure/arm-authorization';
import type { AssignmentLookup, GrantOptions, GrantOutcome, VerifyOutcome } from '../triage/engine';
import type { ClusterFacts, RoleAssignmentFact } from '../triage/evidence';
import { scopeCovers } from '../triage/evidence';
import type { GrantPlan } from '../triage/remediation';
import { pullAuth } from '../triage/principal';
import { ACR_PULL, builtInRole, REPOSITORY_READER } from '../triage/roles';
import type { AzureClients } from './clients';
import { isGuid, parseTypedId, quoteLiteral } from './arm-id';
import { readServicePrincipal } from './data-plane';
import { roleAssignmentFact } from './facts';
import { collect, failureOf, readArm } from './read';
import { readCluster, readRegistry } from './resolve';

const WRITE_ACTION = 'Microsoft.Authorization/roleAssignments/write';
/** The Azure CLI's attach-acr back-off: 2 s + 2 s·i. */
export const DEFAULT_RETRY_DELAYS_MS = Array.from({ length: 9 }, (_, i) => 2000 + 2000 * i);
/** Role assignments are usually visible at once but can take minutes to show everywhere. */
export const DEFAULT_VERIFY_DELAYS_MS = [0, 5000, 15000, 30000, 60000];

export interface GrantExecutorOptions extends GrantOptions {
  readDeadlineMs?: number;
}

function writersNeeded(plan: GrantPlan): string {
  return `Owner, User Access Administrator or Role Based Access Control Administrator on ${plan.registryName} (${plan.scope})`;
}

/** UUIDv5-shaped name from scope + principal + role: a retried or repeated PUT names the same assignment. */
export function assignmentName(plan: Pick<GrantPlan, 'scope' | 'principalId' | 'roleGuid'>): string {
  const hash = createHash('sha1')
    .update(`aks-registry-triage|${plan.scope.toLowerCase()}|${plan.principalId.toLowerCase()}|${plan.roleGuid.toLowerCase()}`)
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

interface ValidPlan {
  registry: NonNullable<ReturnType<typeof parseTypedId>>;
  cluster: NonNullable<ReturnType<typeof parseTypedId>>;
}

function validate(plan: GrantPlan): ValidPlan | string {
  const registry = parseTypedId(plan.scope, 'Microsoft.ContainerRegistry', 'registries');
  if (!registry || registry.children.length > 0) return `the plan's scope is not a registry id: ${plan.scope}`;
  const cluster = parseTypedId(plan.clusterId, 'Microsoft.ContainerService', 'managedClusters');
  if (!cluster) return `the plan's cluster is not a cluster id: ${plan.clusterId}`;
  if (!isGuid(plan.principalId)) return `the plan's principal is not an object id: ${plan.principalId}`;
  if (!isGuid(plan.roleGuid)) return `the plan's role is not a role GUID: ${plan.roleGuid}`;
  // The executor grants pull and nothing else, whatever a plan in storage says (defence in depth: storage
  // is trusted, but a tampered record must still not become Owner).
  const pullRoles = [ACR_PULL.guid, REPOSITORY_READER.guid];
  if (!pullRoles.includes(plan.roleGuid.toLowerCase()))
    return `the plan's role ${plan.roleGuid} is not AcrPull or Container Registry Repository Reader`;
  if (!plan.roleDefinitionId.toLowerCase().endsWith(`/roledefinitions/${plan.roleGuid.toLowerCase()}`)) {
    return 'the plan names two different roles';
  }
  if (plan.principalType !== 'ServicePrincipal') return 'the plan grants to something other than a service principal';
  return { registry, cluster };
}

function modeOf(plan: GrantPlan): 'legacy' | 'abac' {
  return plan.registryMode === 'AbacRepositoryPermissions' ? 'abac' : 'legacy';
}

/** An assignment that already does what the plan would (same role, or another role that fully grants pull here, without a narrower condition). */
function alreadyGranted(plan: GrantPlan, assignments: RoleAssignmentFact[]): RoleAssignmentFact | undefined {
  return assignments.find((a) => {
    if (!scopeCovers(a.scope, plan.scope)) return false;
    if (a.condition && a.condition !== plan.condition) return false;
    if (a.roleGuid === plan.roleGuid.toLowerCase()) return true;
    return builtInRole(a.roleGuid)?.grantsPull(modeOf(plan)) === 'yes' && !plan.condition;
  });
}

function allows(permissions: Permission[], action: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    ).test(action);
  return permissions.some((p) => (p.actions ?? []).some(matches) && !(p.notActions ?? []).some(matches));
}

export async function executeGrant(clients: AzureClients, plan: GrantPlan, options: GrantExecutorOptions): Promise<GrantOutcome> {
  const valid = validate(plan);
  if (typeof valid === 'string') return { status: 'failed', reason: `Refusing the plan: ${valid}.`, code: 'InvalidPlan' };
  const spec = { signal: options.signal, deadlineMs: options.readDeadlineMs };
  const { registry, cluster } = valid;
  const principal = plan.principalId.toLowerCase();
  const auth = clients.authorization(registry.subscriptionId);

  const [clusterRead, registryRead, assignments, permissions] = await Promise.all([
    readCluster(clients, cluster.subscriptionId, cluster.resourceGroup, cluster.name, spec),
    readRegistry(clients, registry.subscriptionId, registry.resourceGroup, registry.name, spec),
    readArm(
      {
        ...spec,
        what: `role assignments of ${principal} on ${plan.registryName}`,
        needs: `Microsoft.Authorization/roleAssignments/read on ${plan.registryName}`,
      },
      (abortSignal) =>
        collect(auth.roleAssignments.listForScope(plan.scope, { filter: `atScope() and assignedTo(${quoteLiteral(principal)})`, abortSignal })),
      (list: RoleAssignment[]) => list.map(roleAssignmentFact),
    ),
    readArm(
      { ...spec, what: `the bot's permissions on ${plan.registryName}`, needs: `Microsoft.Authorization/permissions/read on ${plan.registryName}` },
      (abortSignal) =>
        collect(
          auth.permissions.listForResource(registry.resourceGroup, 'Microsoft.ContainerRegistry', '', 'registries', registry.name, { abortSignal }),
        ),
    ),
  ]);

  if (clusterRead.state === 'failed') {
    if (clusterRead.failure.kind === 'not-found')
      return { status: 'stale', reason: `Cluster ${plan.clusterName} no longer exists (${plan.clusterId}).` };
    return {
      status: 'failed',
      reason: `Could not re-check the cluster before granting: ${clusterRead.failure.message}`,
      code: clusterRead.failure.code,
      correlationId: clusterRead.failure.requestId,
    };
  }
  if (clusterRead.state === 'ok') {
    const stale = await pullerChanged(clients, clusterRead.value, plan, spec);
    if (stale) return stale;
  }
  if (registryRead.state === 'failed') {
    if (registryRead.failure.kind === 'not-found')
      return { status: 'stale', reason: `Registry ${plan.registryName} no longer exists (${plan.scope}).` };
    return {
      status: 'failed',
      reason: `Could not re-check the registry before granting: ${registryRead.failure.message}`,
      code: registryRead.failure.code,
      correlationId: registryRead.failure.requestId,
    };
  }
  if (registryRead.state === 'ok') {
    const mode = registryRead.value.roleAssignmentMode ?? 'LegacyRegistryPermissions';
    if (mode !== plan.registryMode) {
      return {
        status: 'stale',
        reason: `Registry ${plan.registryName} now uses ${mode}, not ${plan.registryMode}, so ${plan.roleName} is not the right role any more; run the check again.`,
      };
    }
  }
  if (assignments.state === 'ok') {
    const existing = alreadyGranted(plan, assignments.value);
    if (existing) {
      return {
        status: 'not-needed',
        reason: `${plan.principalName} already holds a pull role on ${plan.registryName} (assignment ${existing.name} at ${existing.scope}); nothing was changed.`,
      };
    }
  }
  if (permissions.state === 'ok' && !allows(permissions.value, WRITE_ACTION)) {
    return {
      status: 'forbidden',
      reason: `The bot's identity lacks ${WRITE_ACTION} on ${plan.registryName}, so it cannot create the role assignment.`,
      needs: writersNeeded(plan),
    };
  }
  return createWithRetries(clients, plan, registry.subscriptionId, options);
}

/**
 * The plan's principal must still be the one the cluster's nodes pull with. On a service-principal cluster
 * that is the objectId of the appId the cluster names now (credentials can be reset to another SP), asked of
 * Graph again; if that cannot be told, nothing is granted.
 */
async function pullerChanged(
  clients: AzureClients,
  cluster: ClusterFacts,
  plan: GrantPlan,
  spec: { signal?: AbortSignal; deadlineMs?: number },
): Promise<GrantOutcome | undefined> {
  const principal = plan.principalId.toLowerCase();
  // In the move to managed identity the plan names the SP the nodes still pull with.
  const auth = pullAuth(cluster);
  if (auth === 'msi') {
    const current = cluster.kubeletIdentity?.objectId?.toLowerCase();
    if (current === principal) return undefined;
    return {
      status: 'stale',
      reason: `The kubelet identity of ${plan.clusterName} is now ${current ?? 'missing'}, not ${plan.principalName} (${principal}); run the check again.`,
    };
  }
  if (auth === 'undetermined') {
    return {
      status: 'stale',
      reason: `${plan.clusterName} now reports neither a managed identity nor a service principal, so it is not known who its nodes pull with; run the check again.`,
    };
  }
  const appId = cluster.servicePrincipalClientId ?? '';
  const sp = await readServicePrincipal(clients, appId, spec);
  if (sp.objectId === undefined) {
    const why = sp.fact.state === 'failed' ? sp.fact.failure.message : 'its objectId was not in the answer';
    return {
      status: 'failed',
      reason: `Could not re-check which service principal ${plan.clusterName} pulls with (${appId}): ${why}`,
      ...(sp.fact.state === 'failed' && sp.fact.failure.code ? { code: sp.fact.failure.code } : {}),
    };
  }
  if (sp.objectId === principal) return undefined;
  return {
    status: 'stale',
    reason: `${plan.clusterName} now pulls with service principal ${appId} (objectId ${sp.objectId}), not ${plan.principalName} (${principal}); run the check again.`,
  };
}

async function createWithRetries(
  clients: AzureClients,
  plan: GrantPlan,
  subscriptionId: string,
  options: GrantExecutorOptions,
): Promise<GrantOutcome> {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const name = assignmentName(plan);
  const description =
    `aks-registry-triage: ${plan.roleName} for ${plan.clusterName} (${plan.principalName}), approved by ${options.approvedBy}`.slice(0, 1024);
  let last: GrantOutcome = { status: 'failed', reason: 'No attempt was made.' };
  for (let attempt = 0; attempt <= delays.length; attempt++) {
    if (options.signal?.aborted) return { status: 'failed', reason: 'The grant was cancelled before it completed.', code: 'Aborted' };
    let correlationId: string | undefined;
    try {
      const created = await clients.authorization(subscriptionId).roleAssignments.create(
        plan.scope,
        name,
        {
          roleDefinitionId: plan.roleDefinitionId,
          principalId: plan.principalId.toLowerCase(),
          principalType: 'ServicePrincipal',
          description,
          ...(plan.condition ? { condition: plan.condition, conditionVersion: plan.conditionVersion ?? '2.0' } : {}),
        },
        {
          abortSignal: options.signal,
          onResponse: (raw) => {
            correlationId = raw.headers.get('x-ms-correlation-request-id') ?? raw.headers.get('x-ms-request-id') ?? undefined;
          },
        },
      );
      return {
        status: 'created',
        assignmentId: created.id ?? `${plan.scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        ...(correlationId ? { correlationId } : {}),
      };
    } catch (error) {
      const failure = failureOf(error, { what: `role assignment ${name} on ${plan.registryName}`, needs: writersNeeded(plan) });
      const message = error instanceof Error ? error.message : String(error);
      if (failure.status === 409 && failure.code === 'RoleAssignmentExists') {
        const existing = /existing role assignment is ([0-9a-f]{32}|[0-9a-f-]{36})/i.exec(message)?.[1];
        return {
          status: 'already-exists',
          ...(existing ? { assignmentId: `${plan.scope}/providers/Microsoft.Authorization/roleAssignments/${dashed(existing)}` } : {}),
          ...(failure.requestId ? { correlationId: failure.requestId } : {}),
        };
      }
      if (failure.kind === 'forbidden') {
        return {
          status: 'forbidden',
          reason: `Azure refused to create the role assignment: ${message.split('\n')[0]}`,
          needs: writersNeeded(plan),
          ...(failure.requestId ? { correlationId: failure.requestId } : {}),
        };
      }
      const transient =
        failure.code === 'PrincipalNotFound' ||
        failure.kind === 'throttled' ||
        failure.kind === 'unavailable' ||
        (failure.kind === 'timeout' && !options.signal?.aborted);
      last = {
        status: 'failed',
        reason:
          failure.code === 'PrincipalNotFound'
            ? `Entra ID does not know principal ${plan.principalId} yet (or it was deleted); gave up after ${attempt + 1} attempts.`
            : `Could not create the role assignment: ${message.split('\n')[0]}`,
        ...(failure.code ? { code: failure.code } : {}),
        ...(failure.requestId ? { correlationId: failure.requestId } : {}),
      };
      if (!transient || attempt === delays.length) return last;
      await sleep(delays[attempt]!, options.signal);
    }
  }
  return last;
}

function dashed(id: string): string {
  if (id.includes('-')) return id.toLowerCase();
  const h = id.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export interface VerifyOptions {
  signal?: AbortSignal;
  delaysMs?: number[];
  readDeadlineMs?: number;
}

/**
 * The assignment a grant of this plan creates, read by its deterministic name: after a crash between the
 * PUT and the record's final write, this tells "our PUT landed" from "it never did" without guessing.
 */
export async function readGrantAssignment(
  clients: AzureClients,
  plan: GrantPlan,
  options: { signal?: AbortSignal; readDeadlineMs?: number } = {},
): Promise<AssignmentLookup> {
  const registry = parseTypedId(plan.scope, 'Microsoft.ContainerRegistry', 'registries');
  if (!registry) return { state: 'unknown', reason: `the plan's scope is not a registry id: ${plan.scope}` };
  const name = assignmentName(plan);
  const read = await readArm(
    {
      signal: options.signal,
      deadlineMs: options.readDeadlineMs,
      what: `role assignment ${name} on ${plan.registryName}`,
      needs: `Microsoft.Authorization/roleAssignments/read on ${plan.registryName}`,
    },
    (abortSignal) => clients.authorization(registry.subscriptionId).roleAssignments.get(plan.scope, name, { abortSignal }),
  );
  if (read.state === 'ok')
    return { state: 'exists', assignmentId: read.value.id ?? `${plan.scope}/providers/Microsoft.Authorization/roleAssignments/${name}` };
  if (read.state === 'failed' && read.failure.kind === 'not-found') return { state: 'absent' };
  return { state: 'unknown', reason: read.state === 'failed' ? read.failure.message : read.reason };
}

/** Re-reads the principal's assignments on the registry until the grant shows (propagation), within `delaysMs`. */
export async function verifyGrant(clients: AzureClients, plan: GrantPlan, options: VerifyOptions = {}): Promise<VerifyOutcome> {
  const delays = options.delaysMs ?? DEFAULT_VERIFY_DELAYS_MS;
  const registry = parseTypedId(plan.scope, 'Microsoft.ContainerRegistry', 'registries');
  if (!registry || !isGuid(plan.principalId)) {
    return { visible: false, pullRoleStatus: 'unknown', detail: 'The plan does not name a registry and a principal object id.', attempts: 0 };
  }
  const principal = plan.principalId.toLowerCase();
  let detail = '';
  let attempts = 0;
  for (const delay of delays.length > 0 ? delays : [0]) {
    await sleep(delay, options.signal);
    if (options.signal?.aborted) break;
    attempts += 1;
    const read = await readArm(
      {
        signal: options.signal,
        deadlineMs: options.readDeadlineMs,
        what: `role assignments of ${principal} on ${plan.registryName}`,
        needs: `Microsoft.Authorization/roleAssignments/read on ${plan.registryName}`,
      },
      (abortSignal) =>
        collect(
          clients
            .authorization(registry.subscriptionId)
            .roleAssignments.listForScope(plan.scope, { filter: `atScope() and assignedTo(${quoteLiteral(principal)})`, abortSignal }),
        ),
      (list: RoleAssignment[]) => list.map(roleAssignmentFact),
    );
    if (read.state === 'ok') {
      const grant = alreadyGranted(plan, read.value);
      if (grant) {
        return {
          visible: true,
          pullRoleStatus: 'pass',
          detail: `${plan.roleName} is now visible for ${plan.principalName} (${principal}) on ${plan.registryName} (assignment ${grant.name}). Nodes may take up to ~10 minutes to be allowed, and kubelet retries failed pulls within about 5 minutes — delete the failing pods to retry now.`,
          attempts,
        };
      }
      detail = `No pull role for ${plan.principalName} (${principal}) is visible on ${plan.registryName} yet after ${attempts} attempt${attempts === 1 ? '' : 's'}; role assignments can take up to ~10 minutes to propagate.`;
    } else {
      detail = read.state === 'failed' ? read.failure.message : read.reason;
      if (read.state === 'failed' && read.failure.kind === 'forbidden') {
        return { visible: false, pullRoleStatus: 'unknown', detail, attempts };
      }
    }
  }
  return { visible: false, pullRoleStatus: detail.startsWith('No pull role') ? 'fail' : 'unknown', detail, attempts };
}
