/**
 * Which hosts are Azure Container Registries: the public and sovereign suffixes, in one place. The bot
 * sends its token only to such hosts, the checks recognise image hosts by them, and the private link zone
 * follows the suffix.
 */
import type { AcrSuffix } from './refs';

const SUFFIX = /\.(azurecr\.(?:io|cn|us|de))$/i;
const DNS_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** The ACR suffix of a host (`azurecr.io`, …), or undefined for any other host. */
export function acrSuffixOf(host: string): AcrSuffix | undefined {
  return SUFFIX.exec(host)?.[1]?.toLowerCase() as AcrSuffix | undefined;
}

/** A well-formed lowercase DNS name under an ACR suffix. */
export function isAcrHost(host: string): boolean {
  return DNS_NAME.test(host) && acrSuffixOf(host) !== undefined;
}

/** `privatelink.azurecr.io`, or the sovereign cloud's equivalent, from the login server's suffix. */
export function privateLinkZoneFor(loginServer: string): string {
  return `privatelink.${acrSuffixOf(loginServer) ?? 'azurecr.io'}`;
}
