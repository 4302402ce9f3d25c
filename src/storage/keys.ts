/**
 * Storage key -> file or blob name. Keys come from botbuilder (`msteams/conversations/19:…@thread.tacv2/`)
 * and from us; some parts of them come from channel data, so the mapping must be safe for any string:
 * the result uses only [a-z0-9_-] (no `/`, no `.`, so no traversal and no hidden files), is injective
 * (every other byte of the UTF-8 form, including `_` and upper-case letters, becomes `_xx` in lower-case
 * hex; `_` never appears unescaped, so decoding is unambiguous, and with no upper case at all names stay
 * distinct on case-insensitive disks), and is bounded in length (long keys become a SHA-256; the `k-` and `h-`
 * prefixes keep the two forms apart, and `k-` also avoids Windows device names such as `con`).
 */
import { createHash } from 'node:crypto';
import { StorageKeyError } from './errors';

const MAX_PLAIN_LENGTH = 160;

export function storageName(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new StorageKeyError('Storage keys must be non-empty strings.');
  }
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const plain = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte === 0x2d;
    encoded += plain ? String.fromCharCode(byte) : `_${byte.toString(16).padStart(2, '0')}`;
    if (encoded.length > MAX_PLAIN_LENGTH) break;
  }
  if (encoded.length > MAX_PLAIN_LENGTH) {
    return `h-${createHash('sha256').update(key, 'utf8').digest('hex')}`;
  }
  return `k-${encoded}`;
}
