/**
 * The clusters' Kubernetes API servers: one HTTPS listener per cluster on 127.0.0.1, started the first time
 * someone asks ARM for that cluster's credentials (`listClusterUserCredential`), whose kubeconfig names it.
 * Requests to them go through the emulator's own dispatch (recorded, delayed, fault-injected like any other).
 */
import type { ArmResource } from './scenario';
import { listen, type Listener } from './https-listener';
import type { Dispatcher, Outcome } from './in-process-client';
import { loadEmulatorTls } from './tls';
import { AKS_SERVER_APP, clusterUserToken } from './kube-api';
import { isRecord, jsonResponse, type EmuRequest, type EmuResponse } from './wire';

export type KubeDispatch = (cluster: ArmResource, request: EmuRequest, signal: AbortSignal | undefined) => Promise<Outcome>;

export class KubeApiServers {
  private readonly listeners = new Map<string, Promise<Listener>>();
  private closed = false;

  constructor(private readonly dispatch: KubeDispatch) {}

  /** Starts the cluster's API server if it is not running yet. */
  ensure(cluster: ArmResource): Promise<Listener> {
    const key = cluster.id.toLowerCase();
    let listener = this.listeners.get(key);
    // A request abandoned by its client may arrive after close(): it must not start a server nobody closes.
    if (this.closed) return Promise.reject(new Error('the emulator is closed'));
    if (!listener) {
      const dispatcher: Dispatcher = {
        dispatch: (request, signal) => this.dispatch(cluster, request, signal),
        closed: new Promise<void>(() => undefined),
      };
      listener = listen(dispatcher, { dropUnserved: true });
      this.listeners.set(key, listener);
    }
    return listener;
  }

  /** `listClusterUserCredential`: a kubeconfig naming the cluster's API server, its CA and the cluster-user credential. */
  async userCredential(cluster: ArmResource): Promise<EmuResponse> {
    const { origin } = await this.ensure(cluster);
    const props = cluster.properties ?? {};
    const aad = isRecord(props['aadProfile']) && props['aadProfile']['managed'] === true;
    const user = aad
      ? [
          '    exec:',
          '      apiVersion: client.authentication.k8s.io/v1beta1',
          '      command: kubelogin',
          '      args: [get-token, --login, devicecode, --server-id, ' + AKS_SERVER_APP + ']',
        ]
      : [`    token: ${clusterUserToken(cluster)}`];
    const kubeconfig = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: ${cluster.name}`,
      '  cluster:',
      `    certificate-authority-data: ${Buffer.from(loadEmulatorTls().cert).toString('base64')}`,
      `    server: ${origin}`,
      'contexts:',
      `- name: ${cluster.name}`,
      '  context:',
      `    cluster: ${cluster.name}`,
      `    user: clusterUser_${cluster.name}`,
      `current-context: ${cluster.name}`,
      'users:',
      `- name: clusterUser_${cluster.name}`,
      '  user:',
      ...user,
      '',
    ].join('\n');
    return jsonResponse(200, { kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(kubeconfig).toString('base64') }] });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map(async (l) => (await l).close()));
  }
}
