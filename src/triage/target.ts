/**
 * Turns what a person wrote (a CLI flag, a chat message) into validated refs. Everything that leaves this
 * module is safe to put into an ARM URL path or a Resource Graph / OData string: names are checked against
 * Azure's naming rules, and anything that could change a path or close a quoted string is refused here,
 * with a message that names the offending character and says what a valid value looks like.
 *
 * Decisions (where Azure's own rules leave room):
 * - Cluster and registry names are ASCII only (Azure's rules allow nothing else), so a Cyrillic "а" or a
 *   full-width "ａ" in them is reported as a look-alike character rather than silently normalised.
 * - Resource group names may hold Unicode letters and digits (Azure allows Char.IsLetterOrDigit), but not
 *   compatibility forms that NFKC would fold (full-width letters), not Latin mixed with Cyrillic or Greek
 *   letters (the confusable scripts), and never "..", "/", "\\", quotes, "%", "?", "#", whitespace or
 *   control characters.
 * - Digest-only, tag-only and bare image references follow the OCI distribution grammar; a reference
 *   without a registry host means docker.io, exactly as containerd reads it.
 */
import type { ClusterRef, ImageRef, RegistryRef, Target } from './refs';
import {
  CLUSTER_TYPE,
  NEVER_A_REF,
  REGISTRY_TYPE,
  URL_LIKE,
  describeChar,
  fail,
  isPortalUrl,
  parseArmId,
  parsePortalUrl,
  parseSubscriptionId,
  precheck,
  refuseScheme,
  refuseUserInfo,
  show,
  validateClusterName,
  validateRegistryName,
  validateResourceGroup,
} from './ref-input';
import { classifyHost, isHostWithPort, parseImage } from './image-ref';

export function parseClusterRef(input: string): ClusterRef {
  const s = precheck(input, 'cluster');
  const what = 'the cluster name, "resourceGroup/name", its resource id or its https://portal.azure.com address';
  if (URL_LIKE.test(s) || NEVER_A_REF.test(s)) {
    if (/[^\x21-\x7e]/.test(s)) fail('cluster', `portal URL ${show(s)} has ${describeChar(/[^\x21-\x7e]/.exec(s)?.[0] ?? '')}: URLs are plain ASCII`);
    if (!/^https:\/\//i.test(s)) refuseScheme(s, 'cluster', what);
    refuseUserInfo(s, 'cluster');
    if (!isPortalUrl(s)) {
      fail('cluster', `${show(s)} is not an Azure portal address (portal.azure.com, portal.azure.us, portal.azure.cn): give ${what}`);
    }
    return { kind: 'id', ...parsePortalUrl(s, 'cluster', CLUSTER_TYPE) };
  }
  if (/^\/?subscriptions\//i.test(s)) return { kind: 'id', ...parseArmId(s, 'cluster', CLUSTER_TYPE) };
  if (s.includes('\\')) fail('cluster', `cluster ${show(s)} has "\\": write "resourceGroup/name"`);
  if (s.includes('/')) {
    const parts = s.split('/');
    if (parts.length !== 2) {
      fail(
        'cluster',
        `cluster ${show(s)} has ${parts.length - 1} "/": write "resourceGroup/name", or give the full resource id starting with /subscriptions/`,
      );
    }
    const resourceGroup = validateResourceGroup(parts[0] ?? '', 'cluster');
    return { kind: 'name', name: validateClusterName(parts[1] ?? '', 'cluster'), resourceGroup };
  }
  return { kind: 'name', name: validateClusterName(s, 'cluster') };
}

export function parseRegistryRef(input: string): { registry: RegistryRef; image?: ImageRef } {
  const s = precheck(input, 'registry');
  const what = 'the registry name, its login server (myacr.azurecr.io), its resource id, its portal address or an image reference';
  if (URL_LIKE.test(s)) {
    if (/[^\x21-\x7e]/.test(s)) fail('registry', `address ${show(s)} has ${describeChar(/[^\x21-\x7e]/.exec(s)?.[0] ?? '')}: URLs are plain ASCII`);
    if (!/^https?:\/\//i.test(s)) refuseScheme(s, 'registry', what);
    refuseUserInfo(s, 'registry');
    if (isPortalUrl(s)) {
      return { registry: { kind: 'acr-id', ...parsePortalUrl(s, 'registry', REGISTRY_TYPE) } };
    }
    const hostOnly = /^https?:\/\/([^/?#@]+)\/?$/i.exec(s);
    if (!hostOnly) {
      fail(
        'registry',
        `${show(s)} is a URL with a path: give the login server alone (myacr.azurecr.io) or an image reference without "https://" (myacr.azurecr.io/team/app:1.2)`,
      );
    }
    return { registry: classifyHost(hostOnly[1] ?? '', 'registry') };
  }
  if (NEVER_A_REF.test(s)) {
    refuseScheme(s, 'registry', what);
  }
  if (/^\/?subscriptions\//i.test(s)) return { registry: { kind: 'acr-id', ...parseArmId(s, 'registry', REGISTRY_TYPE) } };
  if (s.includes('\\')) fail('registry', `registry ${show(s)} has "\\": image references and hosts use "/"`);
  if (isHostWithPort(s)) return { registry: classifyHost(s, 'registry') };
  if (/[/@:]/.test(s)) {
    const image = parseImage(s, 'registry');
    return { registry: classifyHost(image.host, 'registry'), image };
  }
  if (s.includes('.')) return { registry: classifyHost(s, 'registry') };
  return { registry: { kind: 'acr-name', name: validateRegistryName(s, 'registry') } };
}

export function parseTarget(input: { cluster: string; registry: string; subscription?: string }): Target {
  const cluster = parseClusterRef(input.cluster);
  const { registry, image } = parseRegistryRef(input.registry);
  const subscriptionId = input.subscription === undefined ? undefined : parseSubscriptionId(input.subscription);
  return {
    cluster,
    registry,
    ...(image !== undefined && { image }),
    ...(subscriptionId !== undefined && { subscriptionId }),
  };
}
