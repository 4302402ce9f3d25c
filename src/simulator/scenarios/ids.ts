/**
 * Deterministic identifiers. Every GUID, IP and numeric suffix in the scenario library is derived from a
 * name, so a scenario is the same on every run and two scenarios that mention the same thing (the demo
 * registry, the bot) produce byte-identical JSON — which is what lets demoWorld() merge them safely.
 */
import { createHash } from 'node:crypto';

function digest(parts: readonly string[]): Buffer {
  return createHash('sha1').update(parts.join('\u0000')).digest();
}

/** A name-based (version 5 style) GUID, lowercase like ARM returns principal and role GUIDs. */
export function guid(...parts: string[]): string {
  const h = digest(parts);
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** `n` hex characters derived from the parts (pod-name hashes, FQDN suffixes). */
export function hex(n: number, ...parts: string[]): string {
  return digest(parts).toString('hex').slice(0, n);
}

/** `n` decimal digits derived from the parts (AKS puts 8 of them in VMSS and node names). */
export function digits(n: number, ...parts: string[]): string {
  const h = digest(parts);
  let out = '';
  for (let i = 0; out.length < n; i++) out += String(h[i % h.length] % 10);
  return out;
}

/** A byte 0..255 derived from the parts, offset by `index` (for IP addresses). */
export function byte(index: number, ...parts: string[]): number {
  return digest(parts)[index % 20];
}

/** A Kubernetes generated-name suffix alphabet (no vowels, as in k8s rand.String). */
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function k8sSuffix(n: number, ...parts: string[]): string {
  const h = digest(parts);
  let out = '';
  for (let i = 0; i < n; i++) out += K8S_ALPHABET[h[i] % K8S_ALPHABET.length];
  return out;
}
