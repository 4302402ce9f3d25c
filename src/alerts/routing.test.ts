import { ConfigError } from '../config';
import { AlertRouter, parseDestination } from './routing';
import { alertSettingsFromEnv, parseRoutes } from './settings';

describe('alert routing', () => {
  const routes = parseRoutes(
    JSON.stringify([
      { name: 'payments', channel: 'slack:C0PAYMENTS' },
      { subscription: 'E6278FA1-E0A6-5F40-834C-DD29D374CE06', channel: 'slack:C0SUBSCRIPT' },
      { resourceGroup: 'rg-shop', channel: 'teams:19:shop@thread.tacv2' },
      { cluster: 'aks-prod', channel: 'teams:19:prod@thread.tacv2;messageid=1700000000000' },
    ]),
  );
  const router = new AlertRouter(routes, { channel: 'slack', channelId: 'C0DEFAULT' });

  it('prefers the route named in the URL, then cluster, resource group, subscription, then the default', () => {
    expect(router.destinationFor({ name: 'aks-prod', resourceGroup: 'rg-shop' }, 'payments')).toEqual({ channel: 'slack', channelId: 'C0PAYMENTS' });
    expect(router.destinationFor({ name: 'AKS-PROD', resourceGroup: 'rg-shop' })).toEqual({
      channel: 'teams',
      conversationId: '19:prod@thread.tacv2;messageid=1700000000000',
    });
    expect(router.destinationFor({ name: 'aks-x', resourceGroup: 'rg-shop', subscriptionId: 'e6278fa1-e0a6-5f40-834c-dd29d374ce06' })).toEqual({
      channel: 'teams',
      conversationId: '19:shop@thread.tacv2',
    });
    expect(router.destinationFor({ name: 'aks-x', subscriptionId: 'e6278fa1-e0a6-5f40-834c-dd29d374ce06' })).toEqual({
      channel: 'slack',
      channelId: 'C0SUBSCRIPT',
    });
    expect(router.destinationFor({ name: 'aks-x' })).toEqual({ channel: 'slack', channelId: 'C0DEFAULT' });
    expect(router.destinationFor(undefined, 'nope')).toBeUndefined();
    expect(router.hasRoute('payments')).toBe(true);
  });

  it('reads destinations and refuses what is not one', () => {
    expect(parseDestination('teams:19:abc@thread.tacv2')).toEqual({ channel: 'teams', conversationId: '19:abc@thread.tacv2' });
    expect(parseDestination('slack:C0123ABCD')).toEqual({ channel: 'slack', channelId: 'C0123ABCD' });
    for (const bad of ['C0123ABCD', 'slack:#oncall', 'email:x@y', 'teams:', 'teams:has space'])
      expect(() => parseDestination(bad)).toThrow(/teams:<conversation id>/);
  });

  it('names the variable for bad settings', () => {
    expect(() => alertSettingsFromEnv({ TRIAGE_ALERT_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => alertSettingsFromEnv({ TRIAGE_ALERT_CHANNEL: 'oncall' })).toThrow(/TRIAGE_ALERT_CHANNEL/);
    expect(() => alertSettingsFromEnv({ TRIAGE_ALERT_ROUTES: '{' })).toThrow(/TRIAGE_ALERT_ROUTES must be a JSON array/);
    expect(() => alertSettingsFromEnv({ TRIAGE_ALERT_ROUTES: '[{"channel":"slack:C0123ABCD"}]' })).toThrow(/matches nothing/);
    expect(() => alertSettingsFromEnv({ TRIAGE_ALERT_ROUTES: '[{"name":"A B","channel":"slack:C0123ABCD"}]' })).toThrow(/lowercase/);
    expect(() => alertSettingsFromEnv({ TRIAGE_ALERT_ENTRA_AUDIENCE: 'api://x' })).toThrow(/TRIAGE_ALERT_ENTRA_TENANT/);
    const ok = alertSettingsFromEnv({
      TRIAGE_ALERT_TOKEN: 'a'.repeat(32),
      TRIAGE_ALERT_ENTRA_AUDIENCE: 'api://x',
      MicrosoftAppTenantId: '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
      TRIAGE_ALERT_WINDOW: '30m',
    });
    expect(ok.auth.entra).toEqual({
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      audiences: ['api://x'],
      jwksUrl: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/discovery/v2.0/keys',
    });
    expect(ok.windowMs).toBe(30 * 60_000);
  });
});
