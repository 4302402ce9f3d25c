import { parseCommandLine, UsageError } from './args';

describe('parseCommandLine', () => {
  it.each([
    [['check', '--cluster', 'aks-prod', '--registry', 'myacr'], { name: 'check', format: 'text', pods: true }],
    [['check', '--cluster', 'a', '--registry', 'b', '--format', 'json', '--no-pods'], { name: 'check', format: 'json', pods: false }],
    [['check', '--demo', 'aks-missing-role'], { name: 'check', target: { demo: 'aks-missing-role' } }],
    [['check', '--cluster', 'aks-prod'], { name: 'check', target: { cluster: 'aks-prod' } }],
    [
      ['check', '--cluster', 'aks-prod', '--namespace', 'shop', '--pod', 'api-7d9f'],
      { name: 'check', target: { cluster: 'aks-prod', namespace: 'shop', pod: 'api-7d9f' } },
    ],
    [['grant', '--cluster', 'a', '--registry', 'b', '--yes'], { name: 'grant', yes: true }],
    [['grant', '--cluster', 'a', '--registry', 'b'], { name: 'grant', yes: false }],
    [['audit', '--limit', '5'], { name: 'audit', limit: 5 }],
    [['audit'], { name: 'audit', limit: 50 }],
    [['scenarios'], { name: 'scenarios' }],
    [[], { name: 'help' }],
    [['--version'], { name: 'version' }],
  ])('%j', (argv, expected) => {
    expect(parseCommandLine(argv)).toMatchObject(expected);
  });

  it.each([
    [['check', '--registry', 'myacr'], '--cluster is required'],
    [['grant', '--cluster', 'aks-prod'], '--registry is required'],
    [['check', '--cluster', 'aks-prod', '--registry', 'myacr', '--pod', 'api'], 'leave out --registry'],
    [['check', '--cluster', 'aks-prod', '--namespace', 'Shop;rm'], '--namespace must be a Kubernetes name'],
    [['check', '--cluster', 'a', '--registry', 'b', '--format', 'yaml'], '--format must be'],
    [['check', '--clustr', 'a'], "Unknown option '--clustr'"],
    [['check', 'aks-prod', 'myacr'], 'Unexpected argument'],
    [['audit', '--limit', '0'], '--limit must be'],
    [['audit', '--limit', '1e3x'], '--limit must be'],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});
