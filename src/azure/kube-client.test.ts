import { connectionFromKubeconfig } from './kube-client';

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

/** An AKS-shaped kubeconfig (as listClusterUserCredential returns it) with two contexts. */
function kubeconfig(user: string, server = 'https://aks-demo-dns-1a2b3c.hcp.westeurope.azmk8s.io:443'): string {
  return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: ${server}
  name: aks-demo
- cluster:
    server: https://elsewhere.example:443
  name: other
contexts:
- context:
    cluster: other
    user: other-user
  name: other
- context:
    cluster: aks-demo
    user: clusterUser_rg_aks-demo
  name: aks-demo
current-context: aks-demo
kind: Config
preferences: {}
users:
- name: other-user
  user:
    token: not-this-one
- name: clusterUser_rg_aks-demo
  user:
${user}
`;
}

describe('connectionFromKubeconfig', () => {
  it("takes the current context's server, CA and local-account token", () => {
    const c = connectionFromKubeconfig(kubeconfig('    token: local-account-token'), undefined);
    expect(c.server.host).toBe('aks-demo-dns-1a2b3c.hcp.westeurope.azmk8s.io');
    expect(c.ca?.toString('utf8')).toContain('BEGIN CERTIFICATE');
    expect(c.token).toBe('local-account-token');
  });

  it("uses the bot's Entra token instead of the kubeconfig's exec plugin", () => {
    const exec = '    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: kubelogin\n      args: [get-token]';
    expect(connectionFromKubeconfig(kubeconfig(exec), 'entra-token').token).toBe('entra-token');
    expect(() => connectionFromKubeconfig(kubeconfig(exec), undefined)).toThrow(/no usable credential/);
  });

  it('takes a client certificate and key when the user has them', () => {
    const cert = Buffer.from('cert').toString('base64');
    const key = Buffer.from('key').toString('base64');
    const c = connectionFromKubeconfig(kubeconfig(`    client-certificate-data: ${cert}\n    client-key-data: ${key}`), undefined);
    expect(c.cert?.toString()).toBe('cert');
    expect(c.key?.toString()).toBe('key');
    expect(c.token).toBeUndefined();
  });

  it('refuses an API server that is not served over https, and a kubeconfig without a current context', () => {
    expect(() => connectionFromKubeconfig(kubeconfig('    token: t', 'http://aks-demo.example:80'), undefined)).toThrow(/not served over https/);
    expect(() => connectionFromKubeconfig('apiVersion: v1\nkind: Config\n', undefined)).toThrow(/no current context/);
  });
});
