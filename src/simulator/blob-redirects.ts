/**
 * ACR serves blob content through redirects: a blob GET on the registry answers 307 with a short-lived,
 * SAS-signed URL on an Azure Storage host, and the client fetches that URL with no registry credential.
 * Storage refuses a request that carries an `Authorization` header it does not understand (a registry bearer
 * token is one), so a client that forwards the registry token across the redirect gets no blob.
 */
import { randomUUID } from 'node:crypto';
import type { EmuRequest, EmuResponse } from './wire';

const STORAGE_HOST = /^[a-z0-9]+\.blob\.core\.windows\.net$/;
const TTL_MS = 20 * 60 * 1000;

export function isStorageHost(host: string): boolean {
  return STORAGE_HOST.test(host);
}

interface Issued {
  body: string;
  headers: Record<string, string>;
  expiresAt: number;
}

function storageError(status: number, code: string, message: string): EmuResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-ms-error-code': code },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

export class BlobRedirects {
  private readonly issued = new Map<string, Issued>();

  /** The 307 the registry answers for a blob it holds: Location is a one-off signed storage URL. */
  redirect(loginServer: string, digest: string, blob: { body: string; headers: Record<string, string> }): EmuResponse {
    const signature = randomUUID().replace(/-/g, '');
    const account = `${loginServer.split('.')[0] ?? 'registry'}weu`.replace(/[^a-z0-9]/g, '').slice(0, 24);
    const path = `/${digest.replace(':', '/')}/data`;
    this.issued.set(`${account}${path}?${signature}`, { ...blob, expiresAt: Date.now() + TTL_MS });
    const expiry = new Date(Date.now() + TTL_MS).toISOString().replace(/\.\d+Z$/, 'Z');
    const location = `https://${account}.blob.core.windows.net${path}?se=${encodeURIComponent(expiry)}&sig=${signature}&sp=r&spr=https&sr=b&sv=2018-03-28`;
    return { status: 307, headers: { location, 'content-length': '0', 'docker-distribution-api-version': 'registry/2.0' } };
  }

  serve(request: EmuRequest): EmuResponse {
    if (request.headers['authorization']) {
      return storageError(
        403,
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
      );
    }
    const key = `${request.host.split('.')[0]}${request.path}?${request.query['sig'] ?? ''}`;
    const blob = this.issued.get(key);
    if (!blob || blob.expiresAt < Date.now()) {
      return storageError(403, 'AuthenticationFailed', 'Signature did not match, or the signed URL expired.');
    }
    return { status: 200, headers: blob.headers, ...(request.method === 'HEAD' ? {} : { body: blob.body }) };
  }
}
