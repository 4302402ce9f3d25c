/**
 * The built-in roles that decide pulls (docs/domain.md#registry-modes-and-pull-roles), plus the AKS roles that
 * listing credentials and run command need (docs/domain.md#reading-pods), with their real GUIDs and names. Permissions
 * are the ones that matter for registry pulls and role-assignment writes; the long tail of unrelated actions of
 * the real definitions is left out.
 */
import type { ArmRoleDefinition } from './scenario';

type Permission = ArmRoleDefinition['properties']['permissions'][number];

function perm(actions: string[], notActions: string[] = [], dataActions: string[] = [], notDataActions: string[] = []): Permission {
  return { actions, notActions, dataActions, notDataActions };
}

const CONTENT_READ = 'Microsoft.ContainerRegistry/registries/repositories/content/read';
const METADATA_READ = 'Microsoft.ContainerRegistry/registries/repositories/metadata/read';

const BUILT_IN: [string, string, string, Permission][] = [
  [
    '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
    'Owner',
    'Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.',
    perm(['*']),
  ],
  [
    'b24988ac-6180-42a0-ab88-20f7382dd24c',
    'Contributor',
    'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.',
    perm(
      ['*'],
      [
        'Microsoft.Authorization/*/Delete',
        'Microsoft.Authorization/*/Write',
        'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write',
        'Microsoft.Blueprint/blueprintAssignments/delete',
        'Microsoft.Compute/galleries/share/action',
      ],
    ),
  ],
  ['acdd72a7-3385-48ef-bd42-f606fba81ae7', 'Reader', 'View all resources, but does not allow you to make any changes.', perm(['*/read'])],
  [
    '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    'User Access Administrator',
    'Lets you manage user access to Azure resources.',
    perm(['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']),
  ],
  [
    'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    'Role Based Access Control Administrator',
    'Manage access to Azure resources by assigning roles using Azure RBAC.',
    perm(['Microsoft.Authorization/roleAssignments/write', 'Microsoft.Authorization/roleAssignments/delete', '*/read', 'Microsoft.Support/*']),
  ],
  ['7f951dda-4ed3-4680-a7ca-43fe172d538d', 'AcrPull', 'acr pull', perm(['Microsoft.ContainerRegistry/registries/pull/read'])],
  [
    '8311e382-0749-4cb8-b61a-304f252e45ec',
    'AcrPush',
    'acr push',
    perm(['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/push/write']),
  ],
  ['c2f4ef07-c644-48eb-af81-4b1b4947fb11', 'AcrDelete', 'acr delete', perm(['Microsoft.ContainerRegistry/registries/artifacts/delete'])],
  [
    '6cef56e8-d556-48e5-a04f-b8e64114680f',
    'AcrImageSigner',
    'acr image signer',
    perm(['Microsoft.ContainerRegistry/registries/sign/write'], [], ['Microsoft.ContainerRegistry/registries/trustedCollections/write']),
  ],
  [
    'cdda3590-29a3-44f6-95f2-9f980659eb04',
    'AcrQuarantineReader',
    'acr quarantine data reader',
    perm(['Microsoft.ContainerRegistry/registries/quarantine/read'], [], ['Microsoft.ContainerRegistry/registries/quarantinedArtifacts/read']),
  ],
  [
    'c8d4ff99-41c3-41a8-9f60-21dfdad59608',
    'AcrQuarantineWriter',
    'acr quarantine data writer',
    perm(
      ['Microsoft.ContainerRegistry/registries/quarantine/read', 'Microsoft.ContainerRegistry/registries/quarantine/write'],
      [],
      ['Microsoft.ContainerRegistry/registries/quarantinedArtifacts/read', 'Microsoft.ContainerRegistry/registries/quarantinedArtifacts/write'],
    ),
  ],
  [
    'b93aa761-3e63-49ed-ac28-beffa264f7ac',
    'Container Registry Repository Reader',
    'Read images, tags and metadata in repositories (ABAC mode).',
    perm([], [], [CONTENT_READ, METADATA_READ]),
  ],
  [
    '2a1e307c-b015-4ebd-883e-5b7698a07328',
    'Container Registry Repository Writer',
    'Read and write images in repositories (ABAC mode).',
    perm(
      [],
      [],
      [
        CONTENT_READ,
        METADATA_READ,
        'Microsoft.ContainerRegistry/registries/repositories/content/write',
        'Microsoft.ContainerRegistry/registries/repositories/metadata/write',
      ],
    ),
  ],
  [
    '2efddaa5-3f1f-4df3-97df-af3f13818f4c',
    'Container Registry Repository Contributor',
    'Read, write and delete images in repositories (ABAC mode).',
    perm(
      [],
      [],
      [
        CONTENT_READ,
        METADATA_READ,
        'Microsoft.ContainerRegistry/registries/repositories/content/write',
        'Microsoft.ContainerRegistry/registries/repositories/metadata/write',
        'Microsoft.ContainerRegistry/registries/repositories/content/delete',
        'Microsoft.ContainerRegistry/registries/repositories/metadata/delete',
      ],
    ),
  ],
  [
    'bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7',
    'Container Registry Repository Catalog Lister',
    'List repositories in the registry.',
    perm([], [], ['Microsoft.ContainerRegistry/registries/catalog/read']),
  ],
  [
    '577a9874-89fd-4f24-9dbd-b5034d0ad23a',
    'Container Registry Data Importer and Data Reader',
    'Import images and read repository content.',
    perm(
      ['Microsoft.ContainerRegistry/registries/pull/read', 'Microsoft.ContainerRegistry/registries/importImage/action'],
      [],
      [CONTENT_READ, METADATA_READ],
    ),
  ],
  [
    '69b07be0-09bf-439a-b9a6-e73de851bd59',
    'Container Registry Configuration Reader and Data Access Configuration Reader',
    'Read registry configuration.',
    perm([
      'Microsoft.ContainerRegistry/registries/read',
      'Microsoft.ContainerRegistry/registries/replications/read',
      'Microsoft.ContainerRegistry/registries/privateEndpointConnections/read',
      'Microsoft.ContainerRegistry/registries/webhooks/read',
    ]),
  ],
  [
    '3bc748fc-213d-45c1-8d91-9da5725539b9',
    'Container Registry Contributor and Data Access Configuration Administrator',
    'Manage registries and their data access configuration.',
    perm([
      'Microsoft.ContainerRegistry/registries/read',
      'Microsoft.ContainerRegistry/registries/write',
      'Microsoft.ContainerRegistry/registries/delete',
    ]),
  ],
  [
    'fb382eab-e894-4461-af04-94435c366c3f',
    'Container Registry Tasks Contributor',
    'Manage ACR tasks.',
    perm(['Microsoft.ContainerRegistry/registries/tasks/*', 'Microsoft.ContainerRegistry/registries/runs/*']),
  ],
  [
    '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
    'Azure Kubernetes Service Cluster User Role',
    'List cluster user credential action.',
    perm(['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action', 'Microsoft.ContainerService/managedClusters/read']),
  ],
  [
    '7f6c6a51-bcf8-42ba-9220-52d62157d7db',
    'Azure Kubernetes Service RBAC Reader',
    'Read-only access to most Kubernetes objects in a namespace.',
    perm(
      ['Microsoft.Authorization/*/read', 'Microsoft.Resources/subscriptions/operationresults/read'],
      [],
      ['Microsoft.ContainerService/managedClusters/*/read'],
    ),
  ],
  [
    'ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8',
    'Azure Kubernetes Service Contributor Role',
    'Grants access to read and write AKS clusters.',
    perm([
      'Microsoft.ContainerService/managedClusters/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourcegroups/read',
    ]),
  ],
];

export function builtInRoleDefinitions(): ArmRoleDefinition[] {
  return BUILT_IN.map(([guid, roleName, description, permission]) => ({
    id: `/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
    name: guid,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: { roleName, type: 'BuiltInRole', description, permissions: [permission], assignableScopes: ['/'] },
  }));
}
