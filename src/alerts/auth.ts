/**
 * Who may post alerts. Two ways in, nothing else (401):
 * - a shared secret, TRIAGE_ALERT_TOKEN, as `Authorization: Bearer <token>` or `?token=<token>` (senders that
 *   cannot set headers, such as a plain action-group webhook), compared in constant time;
 * - an action group's secure webhook: Azure Monitor gets an Entra access token for our app registration and
 *   sends it as `Authorization: Bearer <jwt>`. It is accepted only when its signature verifies against the
 *   tenant's published keys, it was issued by that tenant (v1 or v2 issuer, `tid`), it is meant for us
 *   (`aud` is our Application ID URI or app id) and the caller is the Action Groups service application.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** App id of Azure Monitor's "AzNS AAD Webhook" application, the client that requests secure-webhook tokens. */
export const ACTION_GROUPS_APP_ID = '461e8683-5575-4561-ac7f-899cc907d62a';

export interface EntraWebhookSettings {
  tenantId: string;
  /** Accepted `aud` values: the app registration's Application ID URI and/or its app id. */
  audiences: string[];
  /** Where the tenant's signing keys are published (sovereign clouds have their own login host). */
  jwksUrl: string;
}

export interface AlertAuthSettings {
  token?: string;
  entra?: EntraWebhookSettings;
}

export type AlertCaller = { via: 'token' } | { via: 'entra'; appId: string; tenantId: string };

export type AuthResult = { ok: true; caller: AlertCaller } | { ok: false; reason: string };

export interface AlertCredentials {
  authorization?: string;
  queryToken?: string;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export class AlertAuthenticator {
  private readonly keys?: JWTVerifyGetKey;

  constructor(private readonly settings: AlertAuthSettings) {
    if (settings.entra) this.keys = createRemoteJWKSet(new URL(settings.entra.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }

  get configured(): boolean {
    return this.settings.token !== undefined || this.settings.entra !== undefined;
  }

  async authenticate(credentials: AlertCredentials): Promise<AuthResult> {
    if (!this.configured)
      return { ok: false, reason: 'alerts are off: set TRIAGE_ALERT_TOKEN or the secure-webhook settings (TRIAGE_ALERT_ENTRA_AUDIENCE)' };
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization ?? '')?.[1];
    const presented = bearer ?? credentials.queryToken;
    if (!presented) return { ok: false, reason: 'no credentials: send Authorization: Bearer <token>' };
    if (this.settings.token !== undefined && sameSecret(presented, this.settings.token)) return { ok: true, caller: { via: 'token' } };
    if (bearer && this.settings.entra && this.keys && JWT_SHAPE.test(bearer)) return this.verifyEntra(bearer, this.settings.entra, this.keys);
    return { ok: false, reason: 'the credentials are not accepted' };
  }

  private async verifyEntra(token: string, entra: EntraWebhookSettings, keys: JWTVerifyGetKey): Promise<AuthResult> {
    const tenant = entra.tenantId;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: [`https://sts.windows.net/${tenant}/`, `https://login.microsoftonline.com/${tenant}/v2.0`],
        audience: entra.audiences,
        algorithms: ['RS256'],
        clockTolerance: 300,
        requiredClaims: ['exp', 'iat'],
      });
      if (typeof payload.tid !== 'string' || payload.tid.toLowerCase() !== tenant) return { ok: false, reason: 'the token is from another tenant' };
      const appId = typeof payload.appid === 'string' ? payload.appid : typeof payload.azp === 'string' ? payload.azp : undefined;
      if (appId?.toLowerCase() !== ACTION_GROUPS_APP_ID) return { ok: false, reason: 'the token was not issued to Azure Monitor action groups' };
      return { ok: true, caller: { via: 'entra', appId, tenantId: tenant } };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
      return { ok: false, reason: `the Entra token is not accepted (${code})` };
    }
  }
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
