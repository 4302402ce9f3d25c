/**
 * Causes in the pulling identity or the cluster itself (docs/domain.md#cause-inventory: an expired SP secret, an identity gone from the nodes, plus a missing
 * kubelet identity and a stopped cluster): the registry side is fine, the nodes cannot present a token.
 */
import type { Scenario } from '../scenario';
import { managedCluster, nodeResourceGroupOf, pullErrors, roleAssignment, userAssignedIdentity, kubeState } from './builders';
import { ACRDEMO, kubeletGrant, pullScenario } from './compose';
import { SUBS } from './estate';
import { guid } from './ids';

const API = 'acrdemo.azurecr.io/shop/api:1.4.2';

function spExpired(): Scenario {
  const name = 'aks-sp-expired';
  const sp = { appId: guid('sp-app', name), objectId: guid('sp-object', name), displayName: `${name}-sp` };
  const cluster = managedCluster({ name, sp });
  return pullScenario({
    name,
    description: 'Service-principal cluster whose only client secret expired on 2026-10-31: the SP still holds AcrPull but cannot sign in.',
    target: { cluster: `rg-${name}/${name}`, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [roleAssignment({ role: 'AcrPull', principal: sp.objectId, scope: ACRDEMO.id })],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.oauthUnauthorized(API) }],
    world: {
      servicePrincipals: [
        { appId: sp.appId, id: sp.objectId, displayName: sp.displayName, passwordCredentials: [{ endDateTime: '2026-10-31T23:59:59Z' }] },
      ],
    },
    expect: {
      verdict: 'problems',
      statuses: { 'identity.kubelet': 'pass', 'identity.sp-secret': 'fail', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'fail' },
    },
  });
}

function spMigrating(): Scenario {
  const name = 'aks-sp-migrating';
  // `az aks update --enable-managed-identity` ran, AcrPull was given to the new kubelet identity, and the node
  // pools were not upgraded: the nodes still pull with the service principal, which holds nothing on the registry.
  const sp = { appId: guid('sp-app', name), objectId: guid('sp-object', name), displayName: `${name}-sp` };
  const cluster = managedCluster({ name, migratingFromSp: { appId: sp.appId } });
  return pullScenario({
    name,
    description:
      'Service principal → managed identity, node pools not upgraded yet: nodes still pull with the SP, which has no AcrPull; the new kubelet identity has it.',
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) }],
    world: {
      servicePrincipals: [
        { appId: sp.appId, id: sp.objectId, displayName: sp.displayName, passwordCredentials: [{ endDateTime: '2027-10-31T23:59:59Z' }] },
      ],
    },
    expect: {
      verdict: 'problems',
      statuses: {
        'identity.kubelet': 'warn',
        'identity.kubelet-on-nodes': 'skip',
        'identity.sp-secret': 'pass',
        'rbac.pull-role': 'fail',
        'pods.pull-errors': 'fail',
      },
    },
  });
}

function vmssDetached(): Scenario {
  const name = 'aks-vmss-detached';
  // Someone ran `az vmss identity remove` for the kubelet identity; the Key Vault add-on identity is still attached.
  const addon = userAssignedIdentity({ name: `azurekeyvaultsecretsprovider-${name}`, rg: nodeResourceGroupOf(name), sub: SUBS.apps });
  const cluster = managedCluster({ name, vmssIdentities: [addon] });
  return pullScenario({
    name,
    description: 'The kubelet identity was removed from the node VMSS by hand: IMDS cannot issue its token although it holds AcrPull.',
    target: { cluster: name, registry: 'acrdemo.azurecr.io' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) }],
    world: { resources: [addon.resource] },
    expect: {
      verdict: 'problems',
      statuses: { 'identity.kubelet': 'pass', 'identity.kubelet-on-nodes': 'fail', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'fail' },
    },
  });
}

function noKubeletIdentity(): Scenario {
  const name = 'aks-no-kubelet-identity';
  const cluster = managedCluster({ name, kubelet: 'none' });
  return pullScenario({
    name,
    description: 'Managed-identity cluster without identityProfile.kubeletidentity: no identity exists to grant AcrPull to.',
    target: { cluster: name, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    workloads: [{ ns: 'shop', app: 'api', image: API, error: pullErrors.unauthorized(API) }],
    expect: { verdict: 'problems', statuses: { 'identity.kubelet': 'fail', 'pods.pull-errors': 'fail' } },
  });
}

function stopped(): Scenario {
  const name = 'aks-stopped';
  const cluster = managedCluster({ name, stopped: true });
  return pullScenario({
    name,
    description: 'The cluster is stopped: nothing runs, nothing pulls, and its pods cannot be read.',
    target: { cluster: cluster.id, registry: 'acrdemo' },
    cluster,
    registries: [ACRDEMO],
    grants: [kubeletGrant(cluster, ACRDEMO)],
    kube: () =>
      kubeState(cluster, {
        runCommandFailure: `Managed cluster ${name} is stopped (powerState Stopped); run command needs a running cluster. Start it with az aks start.`,
      }),
    expect: { verdict: 'incomplete', statuses: { 'target.cluster': 'warn', 'rbac.pull-role': 'pass', 'pods.pull-errors': 'unknown' } },
  });
}

export const IDENTITY_SCENARIOS: readonly Scenario[] = [spExpired(), spMigrating(), vmssDetached(), noKubeletIdentity(), stopped()];
