/**
 * Which Azure roles let a principal pull from a container registry, per the registry's role-assignment
 * mode (docs/domain.md#registry-modes-and-pull-roles). The registry's mode decides which role family ACR honours, so every answer here
 * is asked "in which mode?".
 */
import { GUID_SOURCE } from '../primitives/guid';
import type { PermissionFact, Read, RegistryFacts, RoleDefinitionFact } from './evidence';

/** `LegacyRegistryPermissions` (AcrPull & co.) or `AbacRepositoryPermissions` (Repository Reader & co.). */
export type RegistryMode = 'legacy' | 'abac';

/** yes: grants pull; no: does not; maybe: might, unverified or caveated — never counted as a clean pass. */
export type PullAnswer = 'yes' | 'no' | 'maybe';

export const MODE_VALUES: Record<RegistryMode, string> = {
  legacy: 'LegacyRegistryPermissions',
  abac: 'AbacRepositoryPermissions',
};

export const MODE_LABELS: Record<RegistryMode, string> = {
  legacy: 'RBAC Registry Permissions (LegacyRegistryPermissions)',
  abac: 'RBAC Registry + ABAC Repository Permissions (AbacRepositoryPermissions)',
};

export type ModeReading = { known: true; mode: RegistryMode; reported: boolean } | { known: false; value: string };

/** Absent on older api-versions: ACR then behaves as legacy (docs/domain.md#registry-modes-and-pull-roles). */
export function registryMode(registry: RegistryFacts): ModeReading {
  const value = registry.roleAssignmentMode?.trim();
  if (!value) return { known: true, mode: 'legacy', reported: false };
  if (value.toLowerCase() === MODE_VALUES.legacy.toLowerCase()) return { known: true, mode: 'legacy', reported: true };
  if (value.toLowerCase() === MODE_VALUES.abac.toLowerCase()) return { known: true, mode: 'abac', reported: true };
  return { known: false, value };
}

/** The control-plane action that is pull in legacy mode. */
export const PULL_ACTION = 'Microsoft.ContainerRegistry/registries/pull/read';
/** The data action that is pull in ABAC mode. */
export const PULL_DATA_ACTION = 'Microsoft.ContainerRegistry/registries/repositories/content/read';

export interface BuiltInRole {
  guid: string;
  name: string;
  grantsPull(mode: RegistryMode): PullAnswer;
  /** Why the answer in this mode deserves a word to the on-call engineer (over-privileged, not honoured, unverified). */
  note(mode: RegistryMode): string | undefined;
  /** Repository roles whose assignments may carry an ABAC repository condition. */
  repositoryScoped: boolean;
}

interface RoleRow {
  guid: string;
  name: string;
  legacy: PullAnswer;
  abac: PullAnswer;
  legacyNote?: string;
  abacNote?: string;
  repositoryScoped?: boolean;
}

const NOT_HONOURED_IN_ABAC = 'is not honoured on a registry in ABAC repository-permissions mode';
const CONTROL_PLANE_ONLY = 'is control-plane only on a registry in ABAC repository-permissions mode';
const OVER_PRIVILEGED = 'grants pull but is over-privileged for it (AcrPull is enough)';
const REPO_ROLE_IN_LEGACY = 'is documented for ABAC repository-permissions mode only; on a legacy-mode registry it is not known to grant pull [U]';
const STAR_READ = 'has */read, which may let it pull on a legacy-mode registry — not verified [U]';

const ROWS: readonly RoleRow[] = [
  { guid: '7f951dda-4ed3-4680-a7ca-43fe172d538d', name: 'AcrPull', legacy: 'yes', abac: 'no', abacNote: NOT_HONOURED_IN_ABAC },
  { guid: '8311e382-0749-4cb8-b61a-304f252e45ec', name: 'AcrPush', legacy: 'yes', abac: 'no', abacNote: NOT_HONOURED_IN_ABAC },
  { guid: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11', name: 'AcrDelete', legacy: 'no', abac: 'no' },
  { guid: '6cef56e8-d556-48e5-a04f-b8e64114680f', name: 'AcrImageSigner', legacy: 'no', abac: 'no' },
  {
    guid: 'cdda3590-29a3-44f6-95f2-9f980659eb04',
    name: 'AcrQuarantineReader',
    legacy: 'no',
    abac: 'no',
    legacyNote: 'pulls quarantined images only',
  },
  { guid: 'c8d4ff99-41c3-41a8-9f60-21dfdad59608', name: 'AcrQuarantineWriter', legacy: 'no', abac: 'no' },
  {
    guid: 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
    name: 'Container Registry Repository Reader',
    legacy: 'no',
    abac: 'yes',
    legacyNote: REPO_ROLE_IN_LEGACY,
    repositoryScoped: true,
  },
  {
    guid: '2a1e307c-b015-4ebd-883e-5b7698a07328',
    name: 'Container Registry Repository Writer',
    legacy: 'no',
    abac: 'yes',
    legacyNote: REPO_ROLE_IN_LEGACY,
    repositoryScoped: true,
  },
  {
    guid: '2efddaa5-3f1f-4df3-97df-af3f13818f4c',
    name: 'Container Registry Repository Contributor',
    legacy: 'no',
    abac: 'yes',
    legacyNote: REPO_ROLE_IN_LEGACY,
    repositoryScoped: true,
  },
  { guid: 'bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7', name: 'Container Registry Repository Catalog Lister', legacy: 'no', abac: 'no' },
  { guid: '577a9874-89fd-4f24-9dbd-b5034d0ad23a', name: 'Container Registry Data Importer and Data Reader', legacy: 'yes', abac: 'yes' },
  {
    guid: '69b07be0-09bf-439a-b9a6-e73de851bd59',
    name: 'Container Registry Configuration Reader and Data Access Configuration Reader',
    legacy: 'no',
    abac: 'no',
  },
  {
    guid: '3bc748fc-213d-45c1-8d91-9da5725539b9',
    name: 'Container Registry Contributor and Data Access Configuration Administrator',
    legacy: 'no',
    abac: 'no',
  },
  { guid: 'fb382eab-e894-4461-af04-94435c366c3f', name: 'Container Registry Tasks Contributor', legacy: 'no', abac: 'no' },
  {
    guid: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    name: 'Owner',
    legacy: 'yes',
    abac: 'no',
    legacyNote: OVER_PRIVILEGED,
    abacNote: CONTROL_PLANE_ONLY,
  },
  {
    guid: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    name: 'Contributor',
    legacy: 'yes',
    abac: 'no',
    legacyNote: OVER_PRIVILEGED,
    abacNote: CONTROL_PLANE_ONLY,
  },
  {
    guid: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    name: 'Reader',
    legacy: 'yes',
    abac: 'no',
    legacyNote: OVER_PRIVILEGED,
    abacNote: CONTROL_PLANE_ONLY,
  },
  { guid: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', name: 'User Access Administrator', legacy: 'maybe', abac: 'no', legacyNote: STAR_READ },
  {
    guid: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    name: 'Role Based Access Control Administrator',
    legacy: 'maybe',
    abac: 'no',
    legacyNote: STAR_READ,
  },
];

function toRole(row: RoleRow): BuiltInRole {
  return {
    guid: row.guid,
    name: row.name,
    grantsPull: (mode) => (mode === 'legacy' ? row.legacy : row.abac),
    note: (mode) => (mode === 'legacy' ? row.legacyNote : row.abacNote),
    repositoryScoped: row.repositoryScoped ?? false,
  };
}

export const BUILT_IN_ROLES: readonly BuiltInRole[] = ROWS.map(toRole);
const BY_GUID: ReadonlyMap<string, BuiltInRole> = new Map(BUILT_IN_ROLES.map((r) => [r.guid, r]));

export const ACR_PULL = BY_GUID.get('7f951dda-4ed3-4680-a7ca-43fe172d538d') as BuiltInRole;
export const REPOSITORY_READER = BY_GUID.get('b93aa761-3e63-49ed-ac28-beffa264f7ac') as BuiltInRole;

export function builtInRole(guid: string): BuiltInRole | undefined {
  return BY_GUID.get(guid.toLowerCase());
}

/** The least-privileged role that grants pull in this mode: what a fix assigns. */
export function pullRoleFor(mode: RegistryMode): BuiltInRole {
  return mode === 'legacy' ? ACR_PULL : REPOSITORY_READER;
}

const GUID_AT_END = new RegExp(`(${GUID_SOURCE})/?$`, 'i');

/** Role definition ids come scoped to a subscription, a management group or nothing; only the GUID identifies the role. */
export function roleGuidOf(roleDefinitionId: string): string {
  const m = GUID_AT_END.exec(roleDefinitionId.trim());
  if (m) return m[1].toLowerCase();
  const parts = roleDefinitionId.split('/').filter(Boolean);
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

/** ARM action patterns: `*` matches any run of characters, comparison is case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 'i').test(action);
}

export interface CustomRoleAnswer {
  answer: PullAnswer;
  /** For people: which permission decided it. */
  reason: string;
}

/**
 * A custom role grants pull iff a permission block holds the pull action (legacy) or data action (ABAC) and the same
 * block's notActions/notDataActions do not take it away. Granted only through a wildcard → maybe: ACR documents
 * wildcard actions in custom roles as honoured only in tenants with ARM Private Link (docs/domain.md#registry-modes-and-pull-roles).
 */
export function customRoleGrantsPull(definition: RoleDefinitionFact, mode: RegistryMode): CustomRoleAnswer {
  const target = mode === 'legacy' ? PULL_ACTION : PULL_DATA_ACTION;
  const pick = (p: PermissionFact) =>
    mode === 'legacy' ? { grant: p.actions, deny: p.notActions } : { grant: p.dataActions, deny: p.notDataActions };
  let exact: string | undefined;
  let wildcard: string | undefined;
  let removed: string | undefined;
  for (const permission of definition.permissions) {
    const { grant, deny } = pick(permission);
    const matching = grant.filter((a) => actionMatches(a, target));
    if (matching.length === 0) continue;
    const remover = deny.find((n) => actionMatches(n, target));
    if (remover) {
      removed ??= remover;
      continue;
    }
    const literal = matching.find((a) => !a.includes('*'));
    if (literal) exact ??= literal;
    else wildcard ??= matching[0];
  }
  const kind = mode === 'legacy' ? 'actions' : 'dataActions';
  if (exact) return { answer: 'yes', reason: `custom role "${definition.roleName}" lists ${exact} in ${kind}` };
  if (wildcard)
    return {
      answer: 'maybe',
      reason: `custom role "${definition.roleName}" grants ${target} only through the wildcard "${wildcard}", which ACR honours only in tenants with ARM Private Link`,
    };
  if (removed)
    return {
      answer: 'no',
      reason: `custom role "${definition.roleName}" removes ${target} with "${removed}" in not${kind[0].toUpperCase()}${kind.slice(1)}`,
    };
  return { answer: 'no', reason: `custom role "${definition.roleName}" has no ${kind} entry for ${target}` };
}

export interface RoleVerdict {
  guid: string;
  roleName: string;
  /** unknown: a custom role whose definition could not be read. */
  answer: PullAnswer | 'unknown';
  /** Why: shown in evidence. */
  reason?: string;
  /** A yes that still deserves a warning (over-privileged role). */
  caveat: boolean;
  /** For unknown: what would let us read the definition. */
  needs?: string;
  repositoryScoped: boolean;
}

/** Built-in table first; anything else must be judged from its definition (read into Evidence.roleDefinitions). */
export function judgeRole(guid: string, mode: RegistryMode, definitions: Record<string, Read<RoleDefinitionFact>>, registryId: string): RoleVerdict {
  const id = guid.toLowerCase();
  const builtIn = builtInRole(id);
  if (builtIn) {
    const note = builtIn.note(mode);
    return {
      guid: id,
      roleName: builtIn.name,
      answer: builtIn.grantsPull(mode),
      reason: note ? `${builtIn.name} ${note}` : undefined,
      caveat: builtIn.grantsPull(mode) === 'yes' && note !== undefined,
      repositoryScoped: builtIn.repositoryScoped,
    };
  }
  const definition = definitions[id];
  const needs = `Microsoft.Authorization/roleDefinitions/read on ${registryId} (any Reader)`;
  if (!definition)
    return {
      guid: id,
      roleName: `role ${id}`,
      answer: 'unknown',
      reason: `the definition of role ${id} was not read`,
      needs,
      caveat: false,
      repositoryScoped: false,
    };
  if (definition.state === 'failed')
    return {
      guid: id,
      roleName: `role ${id}`,
      answer: 'unknown',
      reason: `the definition of role ${id} could not be read: ${definition.failure.message}`,
      needs: definition.failure.needs ?? needs,
      caveat: false,
      repositoryScoped: false,
    };
  if (definition.state === 'skipped')
    return {
      guid: id,
      roleName: `role ${id}`,
      answer: 'unknown',
      reason: `the definition of role ${id} was not read: ${definition.reason}`,
      needs,
      caveat: false,
      repositoryScoped: false,
    };
  const custom = customRoleGrantsPull(definition.value, mode);
  return {
    guid: id,
    roleName: definition.value.roleName,
    answer: custom.answer,
    reason: custom.reason,
    caveat: false,
    // custom roles can carry repository conditions in ABAC mode just like the built-in repository roles
    repositoryScoped: mode === 'abac',
  };
}

/** Shell-safe: bare when harmless; single quotes when the value holds `!` (history expansion inside double quotes). */
function quoteArg(value: string): string {
  if (/^[A-Za-z0-9_\-./:]+$/.test(value)) return value;
  if (value.includes('!')) return `'${value.replace(/'/g, `'\\''`)}'`;
  return `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** The `az` command that creates a pull grant, as a person would type it. */
export function azRoleAssignmentCreate(grant: { principalObjectId: string; roleName: string; scope: string; condition?: string }): string {
  const parts = [
    'az role assignment create',
    `--assignee-object-id ${grant.principalObjectId}`,
    '--assignee-principal-type ServicePrincipal',
    `--role ${quoteArg(grant.roleName)}`,
    `--scope ${quoteArg(grant.scope)}`,
  ];
  if (grant.condition) parts.push(`--condition ${quoteArg(grant.condition)}`, '--condition-version 2.0');
  return parts.join(' ');
}
