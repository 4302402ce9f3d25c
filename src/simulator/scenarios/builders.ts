/**
 * Builders for the ARM side of a scenario, in REST wire form (nested `properties`, exactly as GET returns
 * them as ARM does). Each builder derives its ids, GUIDs and addresses from names (ids.ts), so a
 * scenario reads as a short list of decisions and two scenarios naming the same thing agree byte for byte.
 * Kubernetes objects are built in kube.ts; identities and authorization, network and registry, and compute
 * and the cluster each in their own module. All are re-exported here, so scenarios import one module.
 */
export * from './kube';
export * from './identity-builders';
export * from './network-builders';
export * from './cluster-builders';
