import { ConfigError, loadSettings } from './config';

describe('loadSettings', () => {
  it('defaults to public ARM, pods on, 90 s pod deadline', () => {
    expect(loadSettings({})).toEqual({
      azure: { resourceManagerEndpoint: 'https://management.azure.com' },
      triage: { pods: true, podDeadlineMs: 90_000 },
    });
  });

  it('reads every Azure and triage variable', () => {
    const settings = loadSettings({
      AZURE_RESOURCE_MANAGER_ENDPOINT: 'https://management.usgovcloudapi.net/',
      AZURE_SUBSCRIPTION_ID: '11111111-1111-4111-8111-11111111111A',
      AZURE_CLIENT_ID: '22222222-2222-4222-8222-222222222222',
      TRIAGE_PODS: 'false',
      TRIAGE_POD_DEADLINE_MS: '30000',
    });
    expect(settings).toEqual({
      azure: {
        resourceManagerEndpoint: 'https://management.usgovcloudapi.net',
        subscriptionId: '11111111-1111-4111-8111-11111111111a',
        clientId: '22222222-2222-4222-8222-222222222222',
      },
      triage: { pods: false, podDeadlineMs: 30000 },
    });
  });

  it.each([
    ['AZURE_RESOURCE_MANAGER_ENDPOINT', 'http://management.azure.com'],
    ['AZURE_RESOURCE_MANAGER_ENDPOINT', 'not a url'],
    ['AZURE_SUBSCRIPTION_ID', 'prod'],
    ['AZURE_CLIENT_ID', '1234'],
    ['TRIAGE_PODS', 'maybe'],
    ['TRIAGE_POD_DEADLINE_MS', '-5'],
  ])('refuses %s=%s with an InvalidConfig error naming the variable', (variable, value) => {
    let error: unknown;
    try {
      loadSettings({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'InvalidConfig', variable, message: expect.stringContaining(variable) });
  });
});
