/**
 * One token per scope for the whole process. Each SDK client keeps its own token cache, so a triage that
 * touches eight clients would otherwise ask the credential eight times — and on a laptop
 * `AzureCliCredential` starts `az` for every ask. Concurrent asks for the same scope share one request.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** Tokens this close to expiry are renewed rather than handed out. */
const RENEW_BEFORE_MS = 2 * 60 * 1000;

export function cachingCredential(inner: TokenCredential, now: () => number = Date.now): TokenCredential {
  const tokens = new Map<string, AccessToken>();
  const inFlight = new Map<string, Promise<AccessToken | null>>();

  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // Claims challenges and tenant switches must reach the real credential.
      if (options?.claims || options?.tenantId) return inner.getToken(scopes, options);
      const key = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
      const cached = tokens.get(key);
      if (cached && cached.expiresOnTimestamp - RENEW_BEFORE_MS > now()) return cached;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = inner
          .getToken(scopes, options)
          .then((token) => {
            if (token) tokens.set(key, token);
            return token;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}
