/**
 * Builds the engine a CLI command runs on: real ARM through DefaultAzureCredential, or the embedded ARM
 * emulator for `--demo <scenario>`. Either way the engine is the same code; only the transport differs.
 */
import type { TokenCredential } from '@azure/core-auth';
import { wireEngine } from '../azure/wiring';
import { loadSettings, type Env } from '../config';
import { createEmulator } from '../simulator/emulator';
import { scenario } from '../simulator/scenarios';
import type { TriageEngine } from '../triage/engine';
import type { ClusterRef, Target } from '../triage/refs';
import { parseClusterRef, parseTarget } from '../triage/target';
import { parseSubscriptionId } from '../triage/ref-input';
import { UsageError, type TargetArgs } from './args';

export interface EngineSetup {
  engine: TriageEngine;
  /** Cluster and registry; absent when only a cluster was named (`check --cluster` alone). */
  target?: Target;
  cluster: ClusterRef;
  subscriptionId?: string;
  /** Said on stderr before the work starts (e.g. that Azure is simulated). */
  banner?: string;
  pods: boolean;
  podDeadlineMs: number;
}

/** How long to wait for a first token before telling the user that no credential works. */
const CREDENTIAL_TIMEOUT_MS = 30_000;

export async function engineFor(args: TargetArgs, env: Env, signal: AbortSignal): Promise<EngineSetup> {
  const settings = loadSettings(env);
  if (args.demo !== undefined) {
    const chosen = scenario(args.demo);
    const emulator = createEmulator({ world: chosen.world, faults: chosen.faults });
    // `--demo <scenario> --cluster <name>` without --registry: the scenario's world, by cluster alone.
    const byCluster = args.cluster !== undefined && args.registry === undefined;
    const target = byCluster
      ? undefined
      : parseTarget({
          cluster: args.cluster ?? chosen.target.cluster,
          registry: args.registry ?? chosen.target.registry,
          subscription: args.subscription,
        });
    return {
      engine: wireEngine(settings, { standIn: emulator, podPollIntervalMs: 50 }).engine,
      target,
      cluster: target?.cluster ?? parseClusterRef(args.cluster ?? ''),
      ...(args.subscription ? { subscriptionId: parseSubscriptionId(args.subscription) } : {}),
      banner: `SIMULATED AZURE — scenario "${chosen.name}": ${chosen.description}`,
      pods: settings.triage.pods,
      podDeadlineMs: settings.triage.podDeadlineMs,
    };
  }
  // Validate the refs before any credential is asked for: bad input never costs a token or a request.
  const subscription = args.subscription ?? settings.azure.subscriptionId;
  const target = args.registry === undefined ? undefined : parseTarget({ cluster: args.cluster ?? '', registry: args.registry, subscription });
  const cluster = target?.cluster ?? parseClusterRef(args.cluster ?? '');
  const subscriptionId = subscription === undefined ? undefined : parseSubscriptionId(subscription);
  const { engine, credential, scope } = wireEngine(settings);
  await ensureCredential(credential, scope, signal);
  return {
    engine,
    target,
    cluster,
    ...(subscriptionId ? { subscriptionId } : {}),
    pods: settings.triage.pods,
    podDeadlineMs: settings.triage.podDeadlineMs,
  };
}

export class NoCredentialError extends Error {
  readonly code = 'NoCredential';
  constructor(detail: string) {
    super(
      'No Azure credential works here. Sign in with `az login` (or `azd auth login`), run where a managed identity is ' +
        'available, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET. ' +
        'To try the tool without Azure: aks-registry-triage check --demo aks-missing-role\n' +
        `(${detail.split('\n')[0].slice(0, 300)})`,
    );
    this.name = 'NoCredentialError';
  }
}

/** Asks for the ARM token once up front so that "not signed in" is one clear message, not a wall of 401 findings. */
async function ensureCredential(credential: TokenCredential, scope: string, signal: AbortSignal): Promise<void> {
  const timeout = AbortSignal.timeout(CREDENTIAL_TIMEOUT_MS);
  try {
    const token = await credential.getToken(scope, { abortSignal: AbortSignal.any([signal, timeout]) });
    if (!token) throw new NoCredentialError('the credential returned no token');
  } catch (error) {
    if (error instanceof NoCredentialError) throw error;
    if (signal.aborted) throw error;
    throw new NoCredentialError(error instanceof Error ? error.message : String(error));
  }
}

export { UsageError };
