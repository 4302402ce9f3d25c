/**
 * The deployment templates against the code: every setting the code reads is either set by main.bicep or
 * listed in deploymentTemplates/README.md as deliberately unset (with why); secrets come from Key Vault;
 * and the permissions the templates create are the ones the README promises: role GUIDs, scopes, and the
 * grant condition, evaluated for the requests that matter (pull roles for service principals only, never a
 * delete, registry scope only). Parsed structurally (see bicep.ts): no Bicep compiler is available here.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { bicepString, params, propertyValue, resources, stringVars, stripComments, targetScope, varValue, type BicepResource } from './bicep';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const main = read('deploymentTemplates/main.bicep');
const subscriptionAccess = read('deploymentTemplates/subscription-access.bicep');
const registryGrant = read('deploymentTemplates/registry-grant.bicep');
const readme = read('deploymentTemplates/README.md');

const ROLE = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  rbacAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  repositoryReader: 'b93aa761-3e63-49ed-ac28-beffa264f7ac',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
};

// ---------------------------------------------------------------------------------------------------
// Settings

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'simulator' ? [] : sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every environment variable the code reads (the emulator's own aside): env.X, env['X'], parse*(env, 'X'). */
function settingsTheCodeReads(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const patterns = [
      /\benv\.([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*=[^=])/g,
      /\benv\[['"]([A-Za-z_][A-Za-z0-9_]*)['"]\]/g,
      /\benv,\s*'([A-Za-z_][A-Za-z0-9_]*)'/g,
    ];
    for (const pattern of patterns) {
      for (const m of text.matchAll(pattern)) if (/^[A-Z]/.test(m[1])) found.set(m[1], path.relative(root, file));
    }
  }
  return found;
}

function appSettings(): Map<string, string> {
  const app = resources(main).find((r) => r.type === 'Microsoft.Web/sites');
  if (!app) throw new Error('main.bicep has no Microsoft.Web/sites');
  const text = stripComments(main);
  const settings = new Map<string, string>();
  // the site's own list plus the conditional Slack list it concatenates
  for (const m of `${app.body}\n${text}`.matchAll(/\{ name: '([A-Za-z_][A-Za-z0-9_]*)', value: (.+?) \}/g)) settings.set(m[1], m[2]);
  return settings;
}

/** The README's table of settings main.bicep leaves unset on purpose: | `NAME` | why | */
function documentedUnset(): Map<string, string> {
  const section = readme.split(/^#+ /m).find((s) => s.startsWith('Settings the template does not set'));
  if (!section) throw new Error('deploymentTemplates/README.md has no "Settings the template does not set" section');
  return new Map([...section.matchAll(/^\| `([A-Za-z_][A-Za-z0-9_]*)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]));
}

const PLATFORM_SETTINGS = ['WEBSITES_PORT', 'SCM_DO_BUILD_DURING_DEPLOYMENT', 'WEBSITE_RUN_FROM_PACKAGE'];

describe('settings: main.bicep provides what the code reads', () => {
  const code = settingsTheCodeReads();
  const template = appSettings();
  const unset = documentedUnset();

  it('finds the settings it should (the scan is not empty)', () => {
    for (const name of [
      'MicrosoftAppId',
      'TRIAGE_APPROVERS',
      'AZURE_CLIENT_ID',
      'TRIAGE_POD_DEADLINE_MS',
      'SLACK_BOT_TOKEN',
      'LOG_LEVEL',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'TRIAGE_AUDIT_CONTAINER',
    ]) {
      expect(code.has(name)).toBe(true);
    }
    expect(template.size).toBeGreaterThan(15);
  });

  it('every setting the code reads is set by the template or documented as unset, with a reason', () => {
    const missing = [...code].filter(([name]) => !template.has(name) && !unset.has(name)).map(([name, file]) => `${name} (read in ${file})`);
    expect(missing).toEqual([]);
  });

  it("the template sets nothing the code does not read (except App Service's own settings), and the README lists no stale names", () => {
    expect([...template.keys()].filter((name) => !code.has(name) && !PLATFORM_SETTINGS.includes(name))).toEqual([]);
    expect([...unset.keys()].filter((name) => !code.has(name))).toEqual([]);
    expect([...unset.keys()].filter((name) => template.has(name))).toEqual([]);
  });

  it('tunable settings come from parameters, not literals', () => {
    const declared = params(main);
    const fromParam: Record<string, string> = {
      TRIAGE_APPROVERS: 'approvers',
      TRIAGE_ALLOW_SELF_APPROVAL: 'allowSelfApproval',
      TRIAGE_APPROVAL_TTL: 'approvalTtl',
      TRIAGE_AUDIT: 'auditAudience',
      TRIAGE_PODS: 'pods',
      TRIAGE_POD_DEADLINE_MS: 'podDeadlineMs',
      AZURE_SUBSCRIPTION_ID: 'defaultSubscriptionId',
      AZURE_RESOURCE_MANAGER_ENDPOINT: 'resourceManagerEndpoint',
      LOG_LEVEL: 'logLevel',
    };
    for (const [setting, param] of Object.entries(fromParam)) {
      expect(declared.has(param)).toBe(true);
      expect(template.get(setting)).toMatch(new RegExp(`^(string\\()?${param}\\)?$`));
    }
  });

  it("secrets come from Key Vault, resolved with the bot's identity; none is a literal", () => {
    const app = resources(main).find((r) => r.type === 'Microsoft.Web/sites')!;
    expect(propertyValue(app.body, 'keyVaultReferenceIdentity')).toBe('identity.id');
    const vars = stringVars(main);
    for (const secret of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) {
      expect(bicepString(template.get(secret)!, { ...vars, keyVaultReference: 'VaultName=v' })).toMatch(
        /^@Microsoft\.KeyVault\(VaultName=v;SecretName=[a-z-]+\)$/,
      );
    }
    for (const secretParam of ['slackBotToken', 'slackSigningSecret']) {
      expect(stripComments(main)).toMatch(new RegExp(`@secure\\(\\)\\s*param ${secretParam} string = ''`));
    }
    // the bot authenticates to Bot Framework as its managed identity: there is no password to store
    expect(template.get('MicrosoftAppType')).toBe("'UserAssignedMSI'");
    expect(unset.has('MicrosoftAppPassword')).toBe(true);
    const vault = resources(main).find((r) => r.type === 'Microsoft.KeyVault/vaults')!;
    expect(propertyValue(vault.body, 'enableRbacAuthorization')).toBe('true');
  });

  it('runs the prebuilt package on Node 22 with no build on App Service, probed at /healthz', () => {
    const app = resources(main).find((r) => r.type === 'Microsoft.Web/sites')!;
    expect(propertyValue(app.body, 'linuxFxVersion')).toBe("'NODE|22-lts'");
    expect(propertyValue(app.body, 'appCommandLine')).toBe("'node --disable-warning=DEP0111 dist/src/index.js'");
    expect(propertyValue(app.body, 'healthCheckPath')).toBe("'/healthz'");
    expect(template.get('SCM_DO_BUILD_DURING_DEPLOYMENT')).toBe("'false'");
  });
});

// ---------------------------------------------------------------------------------------------------
// Storage, monitoring

describe('storage and monitoring in main.bicep', () => {
  const all = resources(main);
  const byType = (type: string) => all.filter((r) => r.type === type);

  it('redundancy is a parameter whose default exists in every region', () => {
    expect(params(main).get('storageSku')?.default).toBe("'Standard_LRS'");
    const storage = byType('Microsoft.Storage/storageAccounts')[0];
    expect(propertyValue(storage.body, 'sku')).toBe('{ name: storageSku }');
  });

  it('the audit log has its own container, append-only under a time-based retention policy; versioning and soft delete are on', () => {
    const containers = byType('Microsoft.Storage/storageAccounts/blobServices/containers');
    expect(containers.map((c) => c.symbol).sort()).toEqual(['auditContainer', 'stateContainer']);
    const policy = byType('Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies');
    expect(policy).toHaveLength(1);
    expect(propertyValue(policy[0].body, 'parent')).toBe('auditContainer');
    expect(propertyValue(policy[0].body, 'allowProtectedAppendWrites')).toBe('true');
    expect(propertyValue(policy[0].body, 'immutabilityPeriodSinceCreationInDays')).toBe('auditRetentionDays');
    const blob = byType('Microsoft.Storage/storageAccounts/blobServices')[0];
    expect(propertyValue(blob.body, 'isVersioningEnabled')).toBe('true');
    expect(propertyValue(blob.body, 'deleteRetentionPolicy')).toContain('enabled: true');
    expect(appSettings().get('TRIAGE_AUDIT_CONTAINER')).toBe('auditContainer.name');
  });

  it("the bot's data role is on its two containers, not on the account", () => {
    const dataRoles = byType('Microsoft.Authorization/roleAssignments').filter((r) => r.body.includes('storageBlobDataContributor'));
    expect(dataRoles.map((r) => propertyValue(r.body, 'scope')).sort()).toEqual(['auditContainer', 'stateContainer']);
    expect(stripComments(main)).toContain(`storageBlobDataContributor: '${ROLE.storageBlobDataContributor}'`);
    expect(stripComments(main)).toContain(`keyVaultSecretsUser: '${ROLE.keyVaultSecretsUser}'`);
  });

  it('Application Insights, diagnostic settings to Log Analytics, and alerts on health and HTTP 5xx', () => {
    expect(byType('Microsoft.Insights/components')).toHaveLength(1);
    expect(appSettings().get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe('appInsights.properties.ConnectionString');
    const diagnostics = byType('Microsoft.Insights/diagnosticSettings');
    expect(diagnostics.map((d) => propertyValue(d.body, 'scope')).sort()).toEqual(['app', 'blobService', 'vault']);
    const appDiagnostics = diagnostics.find((d) => propertyValue(d.body, 'scope') === 'app')!;
    for (const category of ['AppServiceHTTPLogs', 'AppServiceConsoleLogs']) expect(appDiagnostics.body).toContain(`'${category}'`);
    const alerts = byType('Microsoft.Insights/metricAlerts');
    const metrics = alerts.map((a) => propertyValue(a.body, 'metricName'));
    expect(metrics.sort()).toEqual(["'HealthCheckStatus'", "'Http5xx'"]);
    for (const alert of alerts) expect(propertyValue(alert.body, 'scopes')).toBe('[app.id]');
  });
});

// ---------------------------------------------------------------------------------------------------
// Permissions

/** Evaluates the grant condition for one request; throws on anything outside the forms we use. */
function conditionAllows(condition: string, request: { action: string; roleDefinitionId?: string; principalType?: string }): boolean {
  const atoms = condition
    .replace(/ActionMatches\{'([^']+)'\}/g, (_m, action: string) => String(action === request.action))
    .replace(/@Request\[Microsoft\.Authorization\/roleAssignments:RoleDefinitionId\] ForAnyOfAnyValues:GuidEquals \{([^}]+)\}/g, (_m, set: string) =>
      String(
        set
          .split(',')
          .map((g) => g.trim().toLowerCase())
          .includes(String(request.roleDefinitionId).toLowerCase()),
      ),
    )
    .replace(
      /@Request\[Microsoft\.Authorization\/roleAssignments:PrincipalType\] ForAnyOfAnyValues:StringEqualsIgnoreCase \{([^}]+)\}/g,
      (_m, set: string) =>
        String(
          set
            .split(',')
            .map((t) => t.trim().replace(/'/g, '').toLowerCase())
            .includes(String(request.principalType).toLowerCase()),
        ),
    );
  const tokens = atoms.match(/\(|\)|!|AND|OR|true|false|\S+/g) ?? [];
  const unknown = tokens.filter((t) => !['(', ')', '!', 'AND', 'OR', 'true', 'false'].includes(t));
  if (unknown.length > 0) throw new Error(`condition has forms this test does not evaluate: ${unknown.join(' ')}`);
  let i = 0;
  const or = (): boolean => {
    let value = and();
    while (tokens[i] === 'OR') {
      i++;
      value = and() || value;
    }
    return value;
  };
  const and = (): boolean => {
    let value = not();
    while (tokens[i] === 'AND') {
      i++;
      value = not() && value;
    }
    return value;
  };
  const not = (): boolean => {
    if (tokens[i] === '!') {
      i++;
      return !not();
    }
    if (tokens[i] === '(') {
      i++;
      const value = or();
      if (tokens[i++] !== ')') throw new Error('unbalanced condition');
      return value;
    }
    return tokens[i++] === 'true';
  };
  const result = or();
  if (i !== tokens.length) throw new Error('trailing tokens in condition');
  return result;
}

function roleAssignments(source: string): BicepResource[] {
  return resources(source).filter((r) => r.type === 'Microsoft.Authorization/roleAssignments');
}

describe('permissions as code', () => {
  it('every role assignment in every template is for a service principal', () => {
    for (const source of [main, subscriptionAccess, registryGrant]) {
      for (const assignment of roleAssignments(source)) expect(propertyValue(assignment.body, 'principalType')).toBe("'ServicePrincipal'");
    }
  });

  describe('registry-grant.bicep', () => {
    const vars = stringVars(registryGrant);
    const [grant, ...others] = roleAssignments(registryGrant);
    const condition = bicepString(
      propertyValue(grant.body, 'condition') === 'grantCondition' ? `'${vars.grantCondition}'` : propertyValue(grant.body, 'condition')!,
      vars,
    );

    it('is Role Based Access Control Administrator at the registry itself', () => {
      expect(targetScope(registryGrant)).toBe('resourceGroup');
      expect(vars.rbacAdministratorRoleId).toBe(ROLE.rbacAdministrator);
      expect(propertyValue(grant.body, 'roleDefinitionId')).toContain('rbacAdministratorRoleId');
      expect(propertyValue(grant.body, 'scope')).toBe('registry');
      const registry = resources(registryGrant).find((r) => r.symbol === 'registry')!;
      expect(registry).toMatchObject({ type: 'Microsoft.ContainerRegistry/registries', existing: true });
      expect(propertyValue(grant.body, 'conditionVersion')).toBe("'2.0'");
      // the only other assignment is the bot's own AcrPull, at the same registry
      expect(others.map((o) => [propertyValue(o.body, 'scope'), propertyValue(o.body, 'roleDefinitionId')])).toEqual([
        ['registry', "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)"],
      ]);
      expect(vars.acrPullRoleId).toBe(ROLE.acrPull);
    });

    it('names exactly the two pull roles and the ServicePrincipal type', () => {
      const guids = condition.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? [];
      expect([...new Set(guids)].sort()).toEqual([ROLE.acrPull, ROLE.repositoryReader].sort());
      expect(condition).not.toContain('@Resource[');
    });

    const write = (roleDefinitionId: string, principalType: string) => ({
      action: 'Microsoft.Authorization/roleAssignments/write',
      roleDefinitionId,
      principalType,
    });
    const del = (roleDefinitionId: string, principalType: string) => ({
      action: 'Microsoft.Authorization/roleAssignments/delete',
      roleDefinitionId,
      principalType,
    });

    it.each([
      ['AcrPull for a service principal', write(ROLE.acrPull, 'ServicePrincipal'), true],
      ['Container Registry Repository Reader for a service principal', write(ROLE.repositoryReader, 'ServicePrincipal'), true],
      ['AcrPull for a user', write(ROLE.acrPull, 'User'), false],
      ['AcrPull for a group', write(ROLE.acrPull, 'Group'), false],
      ['Owner for a service principal', write('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'ServicePrincipal'), false],
      ['RBAC Administrator for a service principal', write(ROLE.rbacAdministrator, 'ServicePrincipal'), false],
      ['deleting an AcrPull assignment', del(ROLE.acrPull, 'ServicePrincipal'), false],
      ['deleting any other assignment', del('8e3af657-a8ff-443c-a75c-2fe8c4bcb635', 'User'), false],
      ['reading assignments (not conditioned)', { action: 'Microsoft.Authorization/roleAssignments/read' }, true],
    ])('%s → allowed: %s', (_name, request, allowed) => {
      expect(conditionAllows(condition, request)).toBe(allowed);
    });
  });

  describe('subscription-access.bicep', () => {
    const all = resources(subscriptionAccess);
    const definitions = all.filter((r) => r.type === 'Microsoft.Authorization/roleDefinitions');
    const text = stripComments(subscriptionAccess);
    const list = (name: string) => [...(varValue(subscriptionAccess, name) ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);

    it('deploys at subscription scope: Reader plus two custom roles, each assignable only there', () => {
      expect(targetScope(subscriptionAccess)).toBe('subscription');
      expect(text).toContain(`var readerRoleId = '${ROLE.reader}'`);
      expect(definitions).toHaveLength(2);
      for (const d of definitions) expect(propertyValue(d.body, 'assignableScopes')).toBe('[subscription().id]');
      const assigned = roleAssignments(subscriptionAccess).map((a) => propertyValue(a.body, 'roleDefinitionId'));
      expect(assigned).toEqual([
        "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)",
        'runCommandRole.id',
        'kubernetesReaderRole.id',
      ]);
      for (const a of roleAssignments(subscriptionAccess)) expect(propertyValue(a.body, 'scope')).toBeUndefined();
    });

    it('run command: exactly runcommand/action and commandResults/read, nothing else', () => {
      expect(list('runCommandActions').sort()).toEqual([
        'Microsoft.ContainerService/managedClusters/commandResults/read',
        'Microsoft.ContainerService/managedClusters/runcommand/action',
      ]);
      const runCommandRole = definitions.find((d) => d.symbol === 'runCommandRole')!;
      expect(propertyValue(runCommandRole.body, 'permissions')).toBe(
        '[{ actions: runCommandActions, notActions: [], dataActions: [], notDataActions: [] }]',
      );
    });

    it('Kubernetes data actions cover what AKS RBAC Reader lacks (nodes; secrets on request), and only reads', () => {
      const actions = list('kubernetesReadActions');
      expect(actions).toEqual(
        expect.arrayContaining([
          'Microsoft.ContainerService/managedClusters/pods/read',
          'Microsoft.ContainerService/managedClusters/events/read',
          'Microsoft.ContainerService/managedClusters/nodes/read',
          'Microsoft.ContainerService/managedClusters/serviceaccounts/read',
          'Microsoft.ContainerService/managedClusters/secrets/read',
        ]),
      );
      expect(actions.every((a) => a.endsWith('/read'))).toBe(true);
      expect(varValue(subscriptionAccess, 'kubernetesReadActions')).toContain(
        "kubernetesSecrets ? ['Microsoft.ContainerService/managedClusters/secrets/read'] : []",
      );
      expect(params(subscriptionAccess).get('kubernetesSecrets')?.default).toBe('false');
    });
  });

  it("the ClusterRole for Kubernetes-RBAC clusters only lists, and binds to the bot's object id", () => {
    const yaml = read('deploymentTemplates/kubernetes/triage-reader.yaml');
    expect([...yaml.matchAll(/verbs: \[(.+)\]/g)].map((m) => m[1])).toEqual(['"list"']);
    expect(yaml).toContain('resources: ["pods", "events", "nodes", "serviceaccounts", "secrets"]');
    expect(yaml).toContain('name: "${BOT_PRINCIPAL_ID}"');
  });
});
