import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ACTION_GROUPS_APP_ID, AlertAuthenticator } from './auth';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const AUDIENCE = 'api://aks-registry-triage-alerts';

describe('AlertAuthenticator', () => {
  let server: Server;
  let jwksUrl: string;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey as CryptoKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const entra = () => new AlertAuthenticator({ entra: { tenantId: TENANT, audiences: [AUDIENCE], jwksUrl } });

  async function token(o: { key?: CryptoKey; iss?: string; aud?: string; tid?: string; appid?: string; expiresIn?: string } = {}): Promise<string> {
    return new SignJWT({ tid: o.tid ?? TENANT, appid: o.appid ?? ACTION_GROUPS_APP_ID, roles: ['ActionGroupsSecureWebhook'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' })
      .setIssuer(o.iss ?? `https://sts.windows.net/${TENANT}/`)
      .setAudience(o.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(o.expiresIn ?? '1h')
      .sign(o.key ?? signingKey);
  }

  it('accepts the shared secret as a bearer token or ?token=, and nothing close to it', async () => {
    const auth = new AlertAuthenticator({ token: 's3cret-alert-token-0123456789' });
    expect(await auth.authenticate({ authorization: 'Bearer s3cret-alert-token-0123456789' })).toEqual({ ok: true, caller: { via: 'token' } });
    expect(await auth.authenticate({ queryToken: 's3cret-alert-token-0123456789' })).toEqual({ ok: true, caller: { via: 'token' } });
    for (const wrong of [
      'Bearer s3cret-alert-token-012345678',
      'Bearer S3CRET-ALERT-TOKEN-0123456789',
      'Basic s3cret-alert-token-0123456789',
      's3cret-alert-token-0123456789',
      '',
    ]) {
      expect((await auth.authenticate({ authorization: wrong })).ok).toBe(false);
    }
  });

  it('with nothing configured, refuses everything and says how to turn alerts on', async () => {
    expect(await new AlertAuthenticator({}).authenticate({ authorization: 'Bearer x' })).toEqual({
      ok: false,
      reason: expect.stringMatching(/TRIAGE_ALERT_TOKEN/),
    });
  });

  it("accepts an action group's Entra token, v1 or v2 issuer", async () => {
    expect(await entra().authenticate({ authorization: `Bearer ${await token()}` })).toEqual({
      ok: true,
      caller: { via: 'entra', appId: ACTION_GROUPS_APP_ID, tenantId: TENANT },
    });
    const v2 = await token({ iss: `https://login.microsoftonline.com/${TENANT}/v2.0` });
    expect((await entra().authenticate({ authorization: `Bearer ${v2}` })).ok).toBe(true);
  });

  it.each([
    ['signed by another key', { key: undefined as CryptoKey | undefined, stranger: true }, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
    ['for another audience', { aud: 'api://someone-else' }, /ERR_JWT_CLAIM_VALIDATION_FAILED/],
    ['issued by another tenant', { iss: 'https://sts.windows.net/11111111-1111-1111-1111-111111111111/' }, /ERR_JWT_CLAIM_VALIDATION_FAILED/],
    ['with another tid', { tid: '11111111-1111-1111-1111-111111111111' }, /another tenant/],
    ['requested by another app', { appid: '22222222-2222-2222-2222-222222222222' }, /not issued to Azure Monitor action groups/],
    ['expired', { expiresIn: '-1h' }, /ERR_JWT_EXPIRED/],
  ])('refuses a token %s', async (_what, o, reason) => {
    const jwt = await token({ ...o, key: 'stranger' in o ? strangerKey : undefined });
    expect(await entra().authenticate({ authorization: `Bearer ${jwt}` })).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('refuses an unsigned token (alg none) and a token in the query string', async () => {
    const [, body] = (await token()).split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${body}.`;
    expect((await entra().authenticate({ authorization: `Bearer ${none}` })).ok).toBe(false);
    expect((await entra().authenticate({ queryToken: await token() })).ok).toBe(false);
  });
});
