/**
 * The scenario library checked as data: unique names, well-formed ARM ids and role assignments, a demo
 * world without conflicting duplicates, expectations that name real checks, every Learn cause family (docs/domain.md#cause-inventory)
 * covered, and every target accepted by the real target parser. Whether the triage actually reaches
 * each `expect` is the integration tests' job.
 */
import { CHECK_IDS, type CheckId } from '../../triage/report';
import { parseTarget } from '../../triage/target';
import type { ArmResource, Scenario, World } from '../scenario';
import { CAUSE_FAMILIES, SCENARIOS, UnknownScenarioError, demoWorld, scenario } from './index';
import { ACRDEMO } from './compose';
import { BOT, UNREADABLE_SUBSCRIPTIONS } from './estate';
import { canonicalJson, mergeWorlds, WorldConflictError } from './world';
import { registry } from './builders';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SEGMENT = /^[^/\s]+$/;
const NAMESPACE = /^[A-Za-z]+(\.[A-Za-z]+)+$/;

/**
 * Parses an ARM id into its scope and provider chain, or returns an error string. Accepts subscription,
 * resource group, resource, child resource and extension-resource ids (`<id>/providers/<ns>/<type>/<name>`).
 */
function armIdProblem(id: string): string | undefined {
  const parts = id.split('/');
  if (parts[0] !== '') return 'does not start with /';
  let i = 1;
  if (parts[i]?.toLowerCase() === 'subscriptions') {
    if (!GUID.test(parts[i + 1] ?? '')) return `subscription "${parts[i + 1]}" is not a lowercase GUID`;
    i += 2;
    if (parts[i]?.toLowerCase() === 'resourcegroups') {
      if (!SEGMENT.test(parts[i + 1] ?? '')) return 'resource group name missing';
      i += 2;
    }
  }
  while (i < parts.length) {
    if (parts[i] !== 'providers') return `expected "providers" at segment ${i}, got "${parts[i]}"`;
    if (!NAMESPACE.test(parts[i + 1] ?? '')) return `bad provider namespace "${parts[i + 1]}"`;
    i += 2;
    // type/name pairs until the next extension "providers" (or the end)
    let pairs = 0;
    while (i < parts.length && parts[i] !== 'providers') {
      if (!SEGMENT.test(parts[i] ?? '') || !SEGMENT.test(parts[i + 1] ?? '')) return `type/name pair incomplete at segment ${i}`;
      i += 2;
      pairs++;
    }
    if (pairs === 0) return 'provider without a resource type and name';
  }
  return undefined;
}

/** `Microsoft.Network/privateDnsZones/A` for `…/providers/Microsoft.Network/privateDnsZones/z/A/rec`: the type ARM reports. */
function typeFromId(id: string): string {
  const at = id.lastIndexOf('/providers/');
  const rest = id.slice(at + '/providers/'.length).split('/');
  const types = rest.slice(1).filter((_, k) => k % 2 === 0);
  return [rest[0], ...types].join('/');
}

function allResources(): { scenario: string; resource: ArmResource }[] {
  return SCENARIOS.flatMap((s) => s.world.resources.map((resource) => ({ scenario: s.name, resource })));
}

describe('scenario names', () => {
  it('are unique, kebab-case and described in one line', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SCENARIOS) {
      expect(s.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.description).not.toMatch(/\n/);
    }
  });

  it('scenario(name) finds each one and names the known ones for an unknown name', () => {
    for (const s of SCENARIOS) expect(scenario(s.name)).toBe(s);
    expect(() => scenario('aks-nope')).toThrow(UnknownScenarioError);
    expect(() => scenario('aks-nope')).toThrow(/No scenario named "aks-nope".*aks-missing-role/);
  });

  it('each has a row in README.md with its expected verdict', () => {
    const readme = readFileSync(join(__dirname, 'README.md'), 'utf8');
    for (const s of SCENARIOS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${s.name}\` |`));
      expect({ scenario: s.name, row: row !== undefined && row.includes(`**${s.expect.verdict}**`) }).toEqual({ scenario: s.name, row: true });
    }
  });

  it('includes every cause-named cluster the demo documents', () => {
    const required = [
      'aks-missing-role',
      'aks-abac-acrpull',
      'aks-abac-condition',
      'aks-sp-expired',
      'aks-wrong-principal',
      'aks-old-kubelet',
      'aks-vmss-detached',
      'aks-firewall',
      'aks-public-disabled',
      'aks-pe-unapproved',
      'aks-dns-unlinked',
      'aks-peering-broken',
      'aks-udr-egress',
      'aks-data-endpoint-blocked',
      'aks-image-typo',
      'aks-tag-missing',
      'aks-arm64-image',
      'aks-pull-qps',
      'aks-pullsecret-missing',
      'aks-cross-tenant',
      'aks-arm-audience-off',
      'aks-deny-assignment',
      'aks-no-kubelet-identity',
      'aks-stopped',
      'aks-healthy',
    ];
    const names = new Set(SCENARIOS.map((s) => s.name));
    expect(required.filter((r) => !names.has(r))).toEqual([]);
  });
});

describe('ARM ids', () => {
  it('every resource id is a well-formed ARM id whose name and type match it', () => {
    const problems: string[] = [];
    for (const { scenario: s, resource: r } of allResources()) {
      const p = armIdProblem(r.id);
      if (p) problems.push(`${s}: ${r.id}: ${p}`);
      else {
        if (r.name !== r.id.split('/').pop()) problems.push(`${s}: ${r.id}: name ${r.name} is not the last segment`);
        if (typeFromId(r.id).toLowerCase() !== r.type.toLowerCase()) problems.push(`${s}: ${r.id}: type ${r.type} does not match the id`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every id a resource refers to (subnets, endpoints, identities, outbound IPs) is well-formed and exists in its world', () => {
    const problems: string[] = [];
    for (const s of SCENARIOS) {
      const ids = new Set(s.world.resources.map((r) => r.id.toLowerCase()));
      for (const r of s.world.resources) {
        for (const ref of referencedIds(r)) {
          const p = armIdProblem(ref);
          if (p) problems.push(`${s.name}: ${r.id} → ${ref}: ${p}`);
          else if (!ids.has(ref.toLowerCase())) problems.push(`${s.name}: ${r.id} → ${ref} is not in the world`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every role assignment has a well-formed scope, id and roleDefinitionId', () => {
    const problems: string[] = [];
    for (const s of SCENARIOS) {
      for (const a of s.world.roleAssignments) {
        const { scope, roleDefinitionId, principalId } = a.properties;
        if (armIdProblem(scope)) problems.push(`${s.name}: scope ${scope}: ${armIdProblem(scope)}`);
        if (a.id !== `${scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`)
          problems.push(`${s.name}: id ${a.id} is not under its scope`);
        if (!GUID.test(a.name)) problems.push(`${s.name}: name ${a.name} is not a GUID`);
        if (!GUID.test(principalId)) problems.push(`${s.name}: principal ${principalId} is not a GUID`);
        const m = /^\/subscriptions\/([0-9a-f-]{36})\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/.exec(roleDefinitionId);
        if (!m || !GUID.test(m[2])) problems.push(`${s.name}: roleDefinitionId ${roleDefinitionId} is malformed`);
        else if (!scope.toLowerCase().startsWith(`/subscriptions/${m[1]}`))
          problems.push(`${s.name}: roleDefinitionId ${roleDefinitionId} is not in the scope's subscription`);
        if (a.properties.condition && a.properties.conditionVersion !== '2.0') problems.push(`${s.name}: condition without conditionVersion 2.0`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('custom roles used by assignments are defined in the same world', () => {
    const builtIn = new Set([
      '7f951dda-4ed3-4680-a7ca-43fe172d538d',
      '8311e382-0749-4cb8-b61a-304f252e45ec',
      'acdd72a7-3385-48ef-bd42-f606fba81ae7',
      'b93aa761-3e63-49ed-ac28-beffa264f7ac',
      'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
      '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
    ]);
    for (const s of SCENARIOS) {
      const custom = new Set((s.world.roleDefinitions ?? []).map((d) => d.name));
      const unknown = s.world.roleAssignments
        .map((a) => a.properties.roleDefinitionId.split('/').pop() ?? '')
        .filter((g) => !builtIn.has(g) && !custom.has(g));
      expect({ scenario: s.name, unknown }).toEqual({ scenario: s.name, unknown: [] });
    }
  });
});

/** Ids a resource points at that must resolve in the same world. */
function referencedIds(r: ArmResource): string[] {
  const p = (r.properties ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  const idOf = (v: unknown): string | undefined => (v && typeof v === 'object' && 'id' in v && typeof v.id === 'string' ? v.id : undefined);
  if (r.type === 'Microsoft.ContainerService/ManagedClusters') {
    const kid = (p.identityProfile as { kubeletidentity?: { resourceId?: string } } | undefined)?.kubeletidentity?.resourceId;
    if (kid) out.push(kid);
    const lb = p.networkProfile as { loadBalancerProfile?: { effectiveOutboundIPs?: { id: string }[] } } | undefined;
    for (const ip of lb?.loadBalancerProfile?.effectiveOutboundIPs ?? []) out.push(ip.id);
    for (const pool of (p.agentPoolProfiles as { vnetSubnetID?: string }[] | undefined) ?? []) if (pool.vnetSubnetID) out.push(pool.vnetSubnetID);
  }
  if (r.type === 'Microsoft.Network/privateEndpoints') {
    const s = idOf(p.subnet);
    if (s) out.push(s);
  }
  if (r.type === 'Microsoft.Network/virtualNetworks/subnets') {
    const rt = idOf(p.routeTable);
    if (rt) out.push(rt);
  }
  if (r.type === 'Microsoft.ContainerRegistry/registries') {
    for (const c of (p.privateEndpointConnections as { properties: { privateEndpoint: { id: string } } }[] | undefined) ?? []) {
      out.push(c.properties.privateEndpoint.id);
    }
  }
  if (r.type === 'Microsoft.Network/privateDnsZones/virtualNetworkLinks') {
    const v = idOf(p.virtualNetwork);
    if (v) out.push(v);
  }
  if (r.type === 'Microsoft.Compute/virtualMachineScaleSets') {
    const ids = (r.identity as { userAssignedIdentities?: Record<string, unknown> } | undefined)?.userAssignedIdentities;
    out.push(...Object.keys(ids ?? {}));
  }
  return out;
}

describe('demoWorld()', () => {
  let world: World;
  beforeAll(() => {
    world = demoWorld();
  });

  it('holds every scenario without conflicting duplicates', () => {
    const ids = world.resources.map((r) => r.id.toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
    const ras = world.roleAssignments.map((a) => a.id.toLowerCase());
    expect(new Set(ras).size).toBe(ras.length);
    for (const s of SCENARIOS) {
      for (const r of s.world.resources) {
        const merged = world.resources.find((m) => m.id.toLowerCase() === r.id.toLowerCase());
        expect(merged && canonicalJson(merged)).toBe(canonicalJson(r));
      }
    }
  });

  it('gives every scenario its own cluster and node resource group', () => {
    const clusters = world.resources.filter((r) => r.type === 'Microsoft.ContainerService/ManagedClusters');
    const clusterNames = clusters.map((c) => c.name);
    expect(new Set(clusterNames).size).toBe(clusterNames.length);
    const nodeRgs = clusters.map((c) => (c.properties as { nodeResourceGroup: string }).nodeResourceGroup);
    expect(new Set(nodeRgs).size).toBe(nodeRgs.length);
    for (const s of SCENARIOS) expect(clusterNames).toContain(s.name);
    expect(Object.keys(world.kube ?? {}).sort()).toEqual(clusters.map((c) => c.id.toLowerCase()).sort());
  });

  it('serves acrdemo identically wherever it appears', () => {
    const users = SCENARIOS.filter((s) => s.world.resources.some((r) => r.id === ACRDEMO.id));
    expect(users.length).toBeGreaterThan(10);
    for (const s of users) {
      expect(canonicalJson(s.world.resources.find((r) => r.id === ACRDEMO.id))).toBe(canonicalJson(ACRDEMO.resource));
      expect(canonicalJson(s.world.registryContent?.['acrdemo.azurecr.io'])).toBe(canonicalJson(ACRDEMO.content));
    }
  });

  it('refuses to merge two different registries under one id', () => {
    const other = registry({ name: 'acrdemo', publicNetworkAccess: 'Disabled' });
    const clash: World = { ...scenario('aks-healthy').world, resources: [other.resource] };
    expect(() => mergeWorlds([scenario('aks-healthy').world, clash])).toThrow(WorldConflictError);
  });

  it('keeps unreadable subscriptions unreadable and the bot able to read and grant everywhere else', () => {
    expect(world.caller.principalId).toBe(BOT.principalId);
    for (const s of UNREADABLE_SUBSCRIPTIONS) expect(world.readableSubscriptions).not.toContain(s);
    const registries = world.resources.filter((r) => r.type === 'Microsoft.ContainerRegistry/registries');
    for (const r of registries) {
      const sub = r.id.split('/')[2];
      const writes = (world.callerPermissions?.[r.id] ?? []).flatMap((p) => p.actions);
      if (UNREADABLE_SUBSCRIPTIONS.includes(sub)) expect(writes).toEqual([]);
      else {
        expect(writes).toContain('Microsoft.Authorization/roleAssignments/write');
        expect(
          world.roleAssignments.some(
            (a) =>
              a.properties.principalId === BOT.principalId &&
              a.properties.scope === r.id &&
              a.properties.roleDefinitionId.endsWith('f58310d9-a9f6-439a-9e8d-f62e7b41a168'),
          ),
        ).toBe(true);
      }
    }
  });

  it('leaves world-wide fault switches out of the demo', () => {
    expect(world.resourceGraphDisabled).toBeUndefined();
  });
});

describe('expectations', () => {
  const checkIds = new Set<string>(CHECK_IDS);

  it('name only real check ids and statuses, and agree with their verdict', () => {
    for (const s of SCENARIOS) {
      const statuses = Object.entries(s.expect.statuses);
      expect(statuses.length).toBeGreaterThan(1);
      for (const [id, status] of statuses) {
        expect({ scenario: s.name, id, known: checkIds.has(id) }).toEqual({ scenario: s.name, id, known: true });
        expect(['pass', 'fail', 'warn', 'unknown', 'skip']).toContain(status);
      }
      const values = statuses.map(([, v]) => v);
      if (values.includes('fail')) expect({ scenario: s.name, verdict: s.expect.verdict }).toEqual({ scenario: s.name, verdict: 'problems' });
      else if (values.includes('unknown'))
        expect({ scenario: s.name, verdict: s.expect.verdict }).toEqual({ scenario: s.name, verdict: 'incomplete' });
      if (s.expect.verdict === 'healthy') expect(values.filter((v) => v === 'fail' || v === 'unknown')).toEqual([]);
    }
  });

  it('cover every Learn cause family (docs/domain.md#cause-inventory) with a scenario in which one of its checks does not pass', () => {
    for (const family of CAUSE_FAMILIES) {
      const hits = family.scenarios.filter((name) => {
        const statuses: Partial<Record<CheckId, string>> = scenario(name).expect.statuses;
        return family.checks.some((c) => ['fail', 'warn', 'unknown'].includes(statuses[c] ?? ''));
      });
      expect({ cause: family.cause, covered: hits.length > 0 }).toEqual({ cause: family.cause, covered: true });
    }
    const familyChecks = new Set(CAUSE_FAMILIES.flatMap((f) => f.checks));
    for (const c of familyChecks) expect(checkIds.has(c)).toBe(true);
  });
});

describe('failing pods', () => {
  function podsOf(s: Scenario): Record<string, unknown>[] {
    return Object.values(s.world.kube ?? {}).flatMap((k) => k.pods);
  }
  function waiting(p: Record<string, unknown>): { reason?: string; message?: string } | undefined {
    const st = (p.status as { containerStatuses?: { state: { waiting?: { reason?: string; message?: string } } }[] }).containerStatuses;
    return st?.[0]?.state.waiting;
  }

  it('every broken scenario with pods shows healthy pods beside the failing ones, each failing pod with a kubelet Failed event', () => {
    for (const s of SCENARIOS.filter((x) => x.expect.statuses['pods.pull-errors'] === 'fail')) {
      const pods = podsOf(s);
      const failing = pods.filter((p) => waiting(p));
      expect({ scenario: s.name, failing: failing.length > 0, running: pods.length > failing.length }).toEqual({
        scenario: s.name,
        failing: true,
        running: true,
      });
      const events = Object.values(s.world.kube ?? {}).flatMap((k) => k.events) as {
        reason: string;
        message: string;
        involvedObject: { name: string };
      }[];
      for (const p of failing) {
        const name = (p.metadata as { name: string }).name;
        expect(events.some((e) => e.involvedObject.name === name && e.reason === 'Failed' && e.message.startsWith('Failed to pull image "'))).toBe(
          true,
        );
      }
    }
  });

  it('uses the exact anonymous-token text containerd leaves for a missing role (docs/domain.md#pull-error-messages)', () => {
    const w = waiting(podsOf(scenario('aks-missing-role')).find((p) => waiting(p)?.reason === 'ImagePullBackOff') ?? {});
    expect(w?.message).toBe(
      'Back-off pulling image "acrdemo.azurecr.io/shop/api:1.4.2": ErrImagePull: rpc error: code = Unknown desc = failed to pull and unpack image "acrdemo.azurecr.io/shop/api:1.4.2": failed to resolve reference "acrdemo.azurecr.io/shop/api:1.4.2": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://acrdemo.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=acrdemo.azurecr.io: 401 Unauthorized',
    );
  });

  it("puts the cluster's own egress IP into the firewall denial", () => {
    const s = scenario('aks-firewall');
    const ip = (s.world.resources.find((r) => r.type === 'Microsoft.Network/publicIPAddresses')?.properties as { ipAddress: string }).ipAddress;
    const events = Object.values(s.world.kube ?? {}).flatMap((k) => k.events) as { message: string }[];
    expect(events.some((e) => e.message.includes(`client with IP '${ip}' is not allowed access`))).toBe(true);
  });
});

describe('targets', () => {
  it('every target parses with the product parser', () => {
    for (const s of SCENARIOS) {
      expect(() => parseTarget({ cluster: s.target.cluster, registry: s.target.registry })).not.toThrow();
    }
  });

  it('mix the forms people type: bare names, rg/name, login servers, image references, ARM ids, portal URLs', () => {
    const clusters = SCENARIOS.map((s) => s.target.cluster);
    const registries = SCENARIOS.map((s) => s.target.registry);
    expect(clusters.some((c) => /^aks-[a-z0-9-]+$/.test(c))).toBe(true);
    expect(clusters.some((c) => /^rg-[^/]+\/aks-/.test(c))).toBe(true);
    expect(clusters.some((c) => c.startsWith('/subscriptions/'))).toBe(true);
    expect(clusters.some((c) => c.startsWith('https://portal.azure.com/'))).toBe(true);
    expect(registries.some((r) => /^acr[a-z]+$/.test(r))).toBe(true);
    expect(registries.some((r) => /^acr[a-z]+\.azurecr\.io$/.test(r))).toBe(true);
    expect(registries.some((r) => /\.azurecr\.io\/.+:/.test(r))).toBe(true);
    expect(registries.some((r) => r.startsWith('/subscriptions/'))).toBe(true);
  });

  it('name each cluster after its scenario', () => {
    for (const s of SCENARIOS) {
      const t = parseTarget({ cluster: s.target.cluster, registry: s.target.registry });
      expect(t.cluster.name).toBe(s.name);
    }
  });
});
