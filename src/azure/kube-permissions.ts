/**
 * The Kubernetes permissions behind each piece of pod evidence, worded for the person who must grant them.
 * Built-in "Azure Kubernetes Service RBAC Reader" covers pods, events and service accounts but not nodes
 * (cluster-scoped) nor secrets; docs/kubernetes-permissions.md names a role that covers all of them.
 */
import type { KubeSection } from './kube-command';

const VERB: Record<KubeSection, string> = {
  pods: '`list pods` in all namespaces',
  events: '`list events` in all namespaces',
  nodes: '`list nodes` (cluster-scoped; not in AKS RBAC Reader)',
  serviceaccounts: '`list serviceaccounts` in all namespaces',
  secrets: '`list secrets` in all namespaces (not in AKS RBAC Reader; only names of kubernetes.io/dockerconfigjson secrets are read)',
};

/** What the bot's identity must be allowed in the cluster to read this piece. */
export function kubePermission(section: KubeSection): string {
  return `Kubernetes ${VERB[section]} for the bot's identity (see docs/kubernetes-permissions.md)`;
}
