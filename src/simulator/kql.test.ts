import { KqlError, parseKql, runKql } from './kql';

const rows = [
  { id: '/a', name: 'alpha', type: 'microsoft.containerregistry/registries', properties: { loginServer: 'alpha.azurecr.io', tags: ['x'], size: 3 } },
  { id: '/b', name: 'beta-acr', type: 'microsoft.containerregistry/registries', properties: { loginServer: 'beta-acr.azurecr.io', size: 10 } },
  { id: '/c', name: 'gamma', type: 'microsoft.network/publicipaddresses', properties: { ipAddress: '1.2.3.4' } },
];
const run = (query: string) => runKql(parseKql(query), rows).rows;
const names = (query: string) => run(query).map((r) => r['name']);

describe('kql subset', () => {
  it.each([
    ["resources | where name == 'alpha'", ['alpha']],
    ["resources | where name == 'ALPHA'", []],
    ["resources | where name =~ 'ALPHA'", ['alpha']],
    ["resources | where name != 'alpha' and name !~ 'GAMMA'", ['beta-acr']],
    ["resources | where name has 'acr'", ['beta-acr']],
    ["resources | where name has 'bet'", []],
    ["resources | where name contains 'ET'", ['beta-acr']],
    ["resources | where name !contains 'a'", []],
    ["resources | where name startswith 'GA' or name endswith 'pha'", ['alpha', 'gamma']],
    ["resources | where name in ('alpha', 'Gamma')", ['alpha']],
    ["resources | where name in~ ('alpha', 'Gamma')", ['alpha', 'gamma']],
    ["resources | where name !in~ ('alpha', 'Gamma')", ['beta-acr']],
    ["resources | where not(type =~ 'microsoft.network/publicipaddresses')", ['alpha', 'beta-acr']],
    ["resources | where (name == 'alpha' or name == 'gamma') and isnotempty(properties.ipAddress)", ['gamma']],
    ["resources | where name == 'alpha' or name == 'gamma' and isempty(properties.ipAddress)", ['alpha']],
    ['resources | where tostring(properties.loginServer) =~ "Beta-ACR.azurecr.io"', ['beta-acr']],
    ["resources | where properties['loginServer'] == 'alpha.azurecr.io'", ['alpha']],
    ["resources | where properties.tags[0] == 'x'", ['alpha']],
    ['resources | order by name desc | take 2', ['gamma', 'beta-acr']],
    ['resources | sort by properties.size asc | where isnotnull(properties.size)', ['alpha', 'beta-acr']],
  ])('%s', (query, expected) => {
    expect(names(query).sort()).toEqual([...expected].sort());
  });

  it('projects nested paths under their KQL names and computed columns under theirs', () => {
    const result = runKql(
      parseKql("resources | where name == 'alpha' | project id, properties.loginServer, login = toupper(properties.loginServer)"),
      rows,
    );
    expect(result.columns).toEqual(['id', 'properties_loginServer', 'login']);
    expect(result.rows).toEqual([{ id: '/a', properties_loginServer: 'alpha.azurecr.io', login: 'ALPHA.AZURECR.IO' }]);
  });

  it.each([
    ['', 'empty'],
    ['resourcecontainers', "Table 'resourcecontainers'"],
    ['resources | extend x = 1', "Operator 'extend'"],
    ['resources | where name matches regex "a"', 'Unsupported comparison'],
    ["resources | where name == 'a", 'Unterminated string'],
    ['resources | where (name == 1', "Expected ')'"],
    ['resources | where strlen(name) == 1', "Function 'strlen'"],
    ['resources | limit x', 'whole number'],
    ['resources | project tolower(name)', 'needs a name'],
    ['resources | where name == @', "Unexpected character '@'"],
  ])('rejects %j', (query, message) => {
    expect(() => parseKql(query)).toThrow(KqlError);
    expect(() => parseKql(query)).toThrow(message);
  });
});
