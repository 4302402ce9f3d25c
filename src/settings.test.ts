import { authConfiguration, botSettingsFromEnv } from './settings';

const OBJ = '0000000B-0000-4000-8000-0000000000B2';

describe('bot settings', () => {
  test('no app id: unauthenticated, loopback, defaults', () => {
    const s = botSettingsFromEnv({});
    expect(s).toMatchObject({
      appId: undefined,
      host: '127.0.0.1',
      port: 3978,
      approvers: [],
      allowSelfApproval: false,
      approvalTtlMs: 3_600_000,
      auditAudience: 'approvers',
    });
  });

  test('with an app id the bot listens on all interfaces unless HOST says otherwise', () => {
    expect(botSettingsFromEnv({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' }).host).toBe('0.0.0.0');
    expect(botSettingsFromEnv({ MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', HOST: '10.0.0.4' }).host).toBe('10.0.0.4');
    expect(botSettingsFromEnv({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  test('UserAssignedMSI needs a tenant and no password, and passes no password to botbuilder', () => {
    expect(() => botSettingsFromEnv({ MicrosoftAppId: 'a', MicrosoftAppType: 'UserAssignedMSI' })).toThrow(/MicrosoftAppTenantId/);
    const s = botSettingsFromEnv({
      MicrosoftAppId: 'a',
      MicrosoftAppType: 'userassignedmsi',
      MicrosoftAppTenantId: 't',
      MicrosoftAppPassword: 'leftover',
    });
    expect(authConfiguration(s)).toEqual({
      MicrosoftAppId: 'a',
      MicrosoftAppPassword: undefined,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppTenantId: 't',
    });
  });

  test('errors name the variable', () => {
    expect(() => botSettingsFromEnv({ MicrosoftAppType: 'Anything' })).toThrow(/^MicrosoftAppType:/);
    expect(() => botSettingsFromEnv({ MicrosoftAppId: 'a' })).toThrow(/^MicrosoftAppPassword:/);
    expect(() => botSettingsFromEnv({ PORT: 'http' })).toThrow(/^PORT:/);
    expect(() => botSettingsFromEnv({ TRIAGE_APPROVERS: 'alice@contoso.com' })).toThrow(/^TRIAGE_APPROVERS:.*alice@contoso\.com/);
    expect(() => botSettingsFromEnv({ TRIAGE_APPROVAL_TTL: 'soon' })).toThrow(/^TRIAGE_APPROVAL_TTL:/);
    expect(() => botSettingsFromEnv({ TRIAGE_ALLOW_SELF_APPROVAL: 'maybe' })).toThrow(/^TRIAGE_ALLOW_SELF_APPROVAL:/);
  });

  test('approvers: object ids lower-cased, Slack ids kept', () => {
    const s = botSettingsFromEnv({ TRIAGE_APPROVERS: ` ${OBJ}, slack:U123ABC `, TRIAGE_APPROVAL_TTL: '30m' });
    expect(s.approvers).toEqual([OBJ.toLowerCase(), 'slack:U123ABC']);
    expect(s.approvalTtlMs).toBe(1_800_000);
  });
});
