/**
 * Tokens as the Bot Framework channel and the Bot Framework Emulator mint them, signed with a throw-away RSA
 * key whose OpenID metadata is served on loopback. The bot validates them with botbuilder's own code, pointed
 * at this metadata through botbuilder's own cloud settings (ToBotFrom…OpenIdMetadataUrl), exactly as a
 * sovereign-cloud deployment would be.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export const CHANNEL_ISSUER = 'https://api.botframework.com';
/** One of the issuers botbuilder accepts for Emulator tokens. */
export const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

export class BotFrameworkIssuer {
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  private readonly kid = randomUUID();
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    const jwk = { ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, kty: 'RSA', use: 'sig' };
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/openid-configuration')) res.end(JSON.stringify({ issuer: CHANNEL_ISSUER, jwks_uri: `${this.url}/keys` }));
      else res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** botbuilder's cloud settings pointing at this issuer (all of them: botbuilder takes them as one set). */
  settings(): Record<string, string> {
    return {
      ValidateAuthority: 'true',
      ToChannelFromBotLoginUrl: 'http://127.0.0.1:9/botframework.com',
      ToChannelFromBotOAuthScope: 'https://api.botframework.com',
      ToBotFromChannelTokenIssuer: CHANNEL_ISSUER,
      OAuthUrl: 'http://127.0.0.1:9/oauth',
      ToBotFromChannelOpenIdMetadataUrl: `${this.url}/channel/.well-known/openid-configuration`,
      ToBotFromEmulatorOpenIdMetadataUrl: `${this.url}/emulator/.well-known/openid-configuration`,
      CallerId: 'urn:botframework:azure',
    };
  }

  /** What the Bot Connector sends with every activity: audience the app, and the service URL it came through. */
  channelToken(appId: string, serviceUrl: string): string {
    return this.sign({ iss: CHANNEL_ISSUER, aud: appId, serviceurl: serviceUrl });
  }

  /** What the Emulator sends: anyone holding the app's credential can get one. */
  emulatorToken(appId: string): string {
    return this.sign({ iss: EMULATOR_ISSUER, aud: appId, appid: appId, ver: '1.0' });
  }

  private sign(claims: Record<string, string>): string {
    return jwt.sign(claims, this.keys.privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      algorithm: 'RS256',
      keyid: this.kid,
      expiresIn: '10m',
      notBefore: 0,
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
