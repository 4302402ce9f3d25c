/**
 * The command line as data. Parsing never touches Azure: a bad argument is a `UsageError` (exit 2)
 * before any client exists.
 */
import { parseArgs } from 'node:util';

export type OutputFormat = 'text' | 'json';

export interface TargetArgs {
  cluster?: string;
  registry?: string;
  subscription?: string;
  /** Run on the embedded ARM emulator with this scenario instead of Azure. */
  demo?: string;
  /** `check` without a registry: only the pods of this namespace / this pod. */
  namespace?: string;
  pod?: string;
}

export type Command =
  | { name: 'check'; target: TargetArgs; format: OutputFormat; pods: boolean; fromText?: string }
  | { name: 'explain'; text?: string; format: OutputFormat }
  | { name: 'grant'; target: TargetArgs; format: OutputFormat; yes: boolean }
  | { name: 'audit'; limit: number }
  | { name: 'scenarios' }
  | { name: 'help'; topic?: string }
  | { name: 'version' };

export class UsageError extends Error {
  readonly code = 'Usage';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `aks-registry-triage — why can't this AKS cluster pull from that registry?

Usage
  aks-registry-triage check --cluster <ref> --registry <ref> [--subscription <id>] [--format text|json] [--no-pods]
  aks-registry-triage check --cluster <ref> [--namespace <ns>] [--pod <name>]   (every registry its pods fail to pull from)
  aks-registry-triage check --from-text <paste|-> [--cluster <ref>] [--registry <ref>] …   (refs read from a pasted error)
  aks-registry-triage explain [--text <paste>] [--format text|json]   (stdin without --text)
  aks-registry-triage grant --cluster <ref> --registry <ref> [--subscription <id>] [--yes]
  aks-registry-triage audit [--limit <n>]
  aks-registry-triage scenarios
  aks-registry-triage check --demo <scenario>        (embedded simulator, no Azure needed)

Refs
  cluster   ARM resource id, Azure portal URL, resourceGroup/name, or a bare name
  registry  name (myacr), login server (myacr.azurecr.io), ARM resource id, or an image
            reference (myacr.azurecr.io/team/app:1.2, which also names the image to check)

Exit codes
  0 healthy   1 problems found   2 bad usage or configuration   3 incomplete (something could not be checked)

'check' never writes to Azure. 'grant' prints the plan and writes nothing without --yes.
Credentials come from DefaultAzureCredential (az login, managed identity, or AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET).`;

const TARGET_OPTIONS = {
  cluster: { type: 'string' },
  registry: { type: 'string' },
  subscription: { type: 'string' },
  demo: { type: 'string' },
  format: { type: 'string' },
} as const;

const POD_OPTIONS = {
  namespace: { type: 'string' },
  pod: { type: 'string' },
} as const;

/** Kubernetes names (RFC 1123 labels and subdomains): anything else cannot name a pod or a namespace. */
const KUBE_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

function format(value: string | undefined): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be "text" or "json", not "${value.slice(0, 40)}"`);
}

function targetOf(
  values: { cluster?: string; registry?: string; subscription?: string; demo?: string; namespace?: string; pod?: string },
  o: { registryRequired: boolean; fromText?: boolean },
): TargetArgs {
  const registryRequired = o.registryRequired;
  if (values.demo === undefined && !o.fromText) {
    if (values.cluster === undefined) throw new UsageError('--cluster is required (or --demo <scenario>)');
    if (values.registry === undefined && registryRequired) throw new UsageError('--registry is required (or --demo <scenario>)');
  }
  for (const option of ['namespace', 'pod'] as const) {
    const value = values[option];
    if (value === undefined) continue;
    if (values.registry !== undefined) throw new UsageError(`--${option} narrows a check by cluster alone; leave out --registry to use it`);
    if (!KUBE_NAME.test(value)) throw new UsageError(`--${option} must be a Kubernetes name (lowercase letters, digits, "-" and ".")`);
  }
  return {
    cluster: values.cluster,
    registry: values.registry,
    subscription: values.subscription,
    demo: values.demo,
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.pod ? { pod: values.pod } : {}),
  };
}

/** Node's own messages already name the offending option ("Unknown option '--clustr'"). */
function guarded<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function parseCommandLine(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help', topic: rest[0] };
    case 'version':
    case '--version':
    case '-v':
      return { name: 'version' };
    case 'check': {
      const { values } = guarded(() =>
        parseArgs({
          args: rest,
          strict: true,
          options: { ...TARGET_OPTIONS, ...POD_OPTIONS, 'no-pods': { type: 'boolean' }, 'from-text': { type: 'string' } },
        }),
      );
      const fromText = values['from-text'];
      return {
        name: 'check',
        target: targetOf(values, { registryRequired: false, fromText: fromText !== undefined }),
        format: format(values.format),
        pods: !values['no-pods'],
        ...(fromText !== undefined && { fromText }),
      };
    }
    case 'explain': {
      const { values } = guarded(() => parseArgs({ args: rest, strict: true, options: { text: { type: 'string' }, format: { type: 'string' } } }));
      return { name: 'explain', format: format(values.format), ...(values.text !== undefined && { text: values.text }) };
    }
    case 'grant': {
      const { values } = guarded(() => parseArgs({ args: rest, strict: true, options: { ...TARGET_OPTIONS, yes: { type: 'boolean' } } }));
      return { name: 'grant', target: targetOf(values, { registryRequired: true }), format: format(values.format), yes: values.yes === true };
    }
    case 'audit': {
      const { values } = guarded(() => parseArgs({ args: rest, strict: true, options: { limit: { type: 'string' } } }));
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000');
      return { name: 'audit', limit };
    }
    case 'scenarios':
      guarded(() => parseArgs({ args: rest, strict: true, options: {} }));
      return { name: 'scenarios' };
    default:
      throw new UsageError(`unknown command "${name.slice(0, 40)}" — try: check, explain, grant, audit, scenarios, help`);
  }
}
