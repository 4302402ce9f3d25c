/**
 * The one read-only command the AKS run-command API runs for pod evidence. It is a contract between the
 * adapter that parses its output (kube-output.ts) and the ARM emulator that answers it.
 *
 * Why this shape (docs/azure-behaviours.md): run command returns at most 512 KiB of logs, so each query
 * prints only what a triage needs, one tab-separated record per line (free text Go-quoted with `%q`); and
 * a partly privileged identity (AKS RBAC Reader: no secrets, no nodes) gets `Forbidden` from some queries,
 * so every query runs on its own (`;`, never `&&`) between `@@begin <section>` and `@@end <section> <exit>`.
 *
 * Records:
 *   T <pods in the cluster>
 *   C <kind> <namespace> <pod> <container> <%q image> <reason> <%q message>   (a container waiting on a pull)
 *   P <namespace> <pod> <node> <service account> <pull secrets,> <nodeSelector k=v,>   (a pod with such a container)
 *   E <namespace> <kind> <name> <reason> <count> <lastTimestamp> <%q message>   (pods' Warning events with a pull reason)
 *   N <name> <os> <arch> <agent pool>
 *   S <namespace> <name> <pull secrets,>   (service accounts that carry imagePullSecrets)
 *   <namespace> <name>   (kubernetes.io/dockerconfigjson secrets: names only, never their contents)
 */

import { PULL_WAITING_REASONS } from '../triage/failing-pods';

export type KubeSection = 'pods' | 'events' | 'nodes' | 'serviceaccounts' | 'secrets';

const T = '{{"\\t"}}';
const NL = '{{"\\n"}}';
const REASONS = [...PULL_WAITING_REASONS].map((r) => `"${r}"`).join(' ');

const containerLines = (statuses: string, kind: string): string =>
  `{{range .status.${statuses}}}{{$c := .}}{{with .state.waiting}}{{if eq (print .reason) ${REASONS}}}{{$f = true}}` +
  `C${T}${kind}${T}{{$p.metadata.namespace}}${T}{{$p.metadata.name}}${T}{{$c.name}}${T}{{printf "%q" (print $c.image)}}${T}{{.reason}}${T}{{printf "%q" (print .message)}}${NL}` +
  `{{end}}{{end}}{{end}}`;

const PODS_TEMPLATE =
  `T${T}{{len .items}}${NL}{{range .items}}{{$p := .}}{{$f := false}}` +
  containerLines('initContainerStatuses', 'init') +
  containerLines('containerStatuses', 'container') +
  containerLines('ephemeralContainerStatuses', 'ephemeral') +
  `{{if $f}}P${T}{{.metadata.namespace}}${T}{{.metadata.name}}${T}{{print .spec.nodeName}}${T}{{print .spec.serviceAccountName}}${T}` +
  `{{range .spec.imagePullSecrets}}{{.name}},{{end}}${T}{{range $k, $v := .spec.nodeSelector}}{{$k}}={{$v}},{{end}}${NL}{{end}}{{end}}`;

/** kubelet's event reasons around pulls: pull failures (Failed), a missing pull secret, a refused reference. */
export const PULL_EVENT_REASONS = ['Failed', 'FailedToRetrieveImagePullSecret', 'InspectFailed', 'ErrImageNeverPull'] as const;
const EVENT_REASONS = PULL_EVENT_REASONS.map((r) => `"${r}"`).join(' ');

const EVENTS_TEMPLATE =
  `{{range .items}}{{if eq (print .reason) ${EVENT_REASONS}}}E${T}{{.metadata.namespace}}${T}{{.involvedObject.kind}}${T}{{.involvedObject.name}}${T}{{.reason}}${T}{{print .count}}${T}` +
  `{{print .lastTimestamp}}${T}{{printf "%q" (print .message)}}${NL}{{end}}{{end}}`;

const NODES_TEMPLATE =
  `{{range .items}}N${T}{{.metadata.name}}${T}{{print .status.nodeInfo.operatingSystem}}${T}{{print .status.nodeInfo.architecture}}${T}` +
  `{{with .metadata.labels}}{{print (index . "kubernetes.azure.com/agentpool")}}{{end}}${NL}{{end}}`;

const SERVICE_ACCOUNTS_TEMPLATE = `{{range .items}}{{if .imagePullSecrets}}S${T}{{.metadata.namespace}}${T}{{.metadata.name}}${T}{{range .imagePullSecrets}}{{.name}},{{end}}${NL}{{end}}{{end}}`;

/** Each query alone; order puts the small, most decisive ones first in case the output is cut anyway. */
export const KUBE_QUERIES: readonly { section: KubeSection; command: string }[] = [
  { section: 'pods', command: `kubectl get pods -A -o go-template='${PODS_TEMPLATE}'` },
  { section: 'nodes', command: `kubectl get nodes -o go-template='${NODES_TEMPLATE}'` },
  { section: 'serviceaccounts', command: `kubectl get serviceaccounts -A -o go-template='${SERVICE_ACCOUNTS_TEMPLATE}'` },
  {
    section: 'secrets',
    command:
      'kubectl get secrets -A --field-selector type=kubernetes.io/dockerconfigjson -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name --no-headers',
  },
  { section: 'events', command: `kubectl get events -A --field-selector involvedObject.kind=Pod,type=Warning -o go-template='${EVENTS_TEMPLATE}'` },
];

export const BEGIN_MARKER = '@@begin';
export const END_MARKER = '@@end';

export const KUBE_EVIDENCE_COMMAND = KUBE_QUERIES.map(
  (q) => `echo '${BEGIN_MARKER} ${q.section}'; ${q.command} 2>&1; echo "${END_MARKER} ${q.section} $?"`,
).join('; ');

/** What AKS run command returns at most, in bytes of logs (docs/azure-behaviours.md). */
export const RUN_COMMAND_OUTPUT_CAP = 512 * 1024;

/** Every command `check` may send through run command. Anything else would be a write. */
export const READ_ONLY_KUBE_COMMANDS: readonly string[] = [KUBE_EVIDENCE_COMMAND];
