/**
 * IPv4 addresses and CIDR blocks, enough to decide whether a cluster's egress IP (or public IP prefix) is
 * admitted by a registry's firewall rules. ACR IP rules are IPv4 only, so IPv6 input simply does not parse.
 */

export interface Ipv4Block {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  network: number;
  prefixLength: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The address as an unsigned 32-bit number, or undefined when it is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

function maskOf(prefixLength: number): number {
  // `<<` works on signed 32-bit ints; `>>> 0` brings the mask back to unsigned, and /0 needs a special case.
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/** `a.b.c.d/n` or a bare address (taken as /32). Host bits are cleared, as ACR does when it stores a rule. */
export function parseIpv4Block(text: string): Ipv4Block | undefined {
  const [address, length, extra] = text.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const ip = parseIpv4(address);
  if (ip === undefined) return undefined;
  let prefixLength = 32;
  if (length !== undefined) {
    if (!/^\d{1,2}$/.test(length) || Number(length) > 32) return undefined;
    prefixLength = Number(length);
  }
  return { network: (ip & maskOf(prefixLength)) >>> 0, prefixLength };
}

/** True when every address of `inner` (an address or a block) lies inside `outer`. Unparseable input is never covered. */
export function blockCovers(outer: string, inner: string): boolean {
  const o = parseIpv4Block(outer);
  const i = parseIpv4Block(inner);
  if (!o || !i || i.prefixLength < o.prefixLength) return false;
  return (i.network & maskOf(o.prefixLength)) >>> 0 === o.network;
}

/** RFC 1918 private ranges: an i/o timeout to one of these is a private-endpoint path, not internet egress. */
export function isPrivateIpv4(text: string): boolean {
  return ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].some((block) => blockCovers(block, text));
}
