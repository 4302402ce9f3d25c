/**
 * Opaque bearer tokens the emulator issues and accepts: Entra access tokens (naming their audience and
 * principal), and the ACR refresh/access tokens of the registry data plane. Nothing outside the emulator can
 * read or forge them; they only mean something to the store that issued them.
 */
import { randomUUID } from 'node:crypto';

export type TokenKind = 'entra' | 'acr-refresh' | 'acr-access';

export interface TokenClaims {
  kind: TokenKind;
  /** Normalised audience (see audienceOf); for ACR tokens, the login server. */
  audience: string;
  principalId: string;
  tenantId: string;
  expiresOn: number;
  /** ACR access tokens: repositories the holder may pull. */
  pullRepositories?: string[];
}

/** `https://management.azure.com/.default` and `https://management.azure.com/` both name `https://management.azure.com`. */
export function audienceOf(scopeOrResource: string): string {
  return scopeOrResource
    .trim()
    .replace(/\/\.default$/i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenClaims>();

  issue(claims: Omit<TokenClaims, 'expiresOn'>, ttlSeconds = 3600): { token: string; expiresOn: number } {
    const token = `emu-${claims.kind}.${randomUUID()}`;
    const expiresOn = Date.now() + ttlSeconds * 1000;
    this.tokens.set(token, { ...claims, expiresOn });
    return { token, expiresOn };
  }

  lookup(token: string | undefined, kind: TokenKind): TokenClaims | undefined {
    if (!token) return undefined;
    const claims = this.tokens.get(token);
    if (!claims || claims.kind !== kind || claims.expiresOn <= Date.now()) return undefined;
    return claims;
  }
}

export function bearerOf(headers: Record<string, string>): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(headers['authorization'] ?? '')?.[1];
}
