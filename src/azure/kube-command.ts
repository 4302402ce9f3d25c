/**
 * The one read-only command the AKS run-command API runs for pod evidence. It is a contract between the
 * adapter that parses its output (kube-evidence.ts) and the ARM emulator that answers it.
 *
 * Output format: a kubectl `List` JSON document (pods, events, nodes, service accounts of all namespaces),
 * then a line `@@pull-secrets`, then one `<namespace> <name>` line per kubernetes.io/dockerconfigjson
 * secret. Secret contents are never read.
 */
export const PULL_SECRETS_MARKER = '@@pull-secrets';

export const KUBE_EVIDENCE_COMMAND =
  'kubectl get pods,events,nodes,serviceaccounts -A -o json' +
  ` && echo '${PULL_SECRETS_MARKER}'` +
  ' && kubectl get secrets -A --field-selector type=kubernetes.io/dockerconfigjson' +
  ' -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name --no-headers';

/** Every command `check` may send through run command. Anything else would be a write. */
export const READ_ONLY_KUBE_COMMANDS: readonly string[] = [KUBE_EVIDENCE_COMMAND];
