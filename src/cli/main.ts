/**
 * The command line: parse → validate → run one command → exit code. Every failure a person can cause
 * (bad refs, bad flags, no credential, bad configuration) becomes one clear line on stderr and exit 2,
 * never a stack trace.
 */
import { userInfo } from 'node:os';
import packageJson from '../../package.json';
import { ConfigError, type Env } from '../config';
import { readAudit, storageSettingsFromEnv } from '../storage';
import { createAuditLog, type AuditEntry, type AuditLog } from '../storage/audit';
import { SCENARIOS, UnknownScenarioError } from '../simulator/scenarios';
import type { GrantOutcome } from '../triage/engine';
import { readPaste, registryRefOf, type PasteReading } from '../triage/paste';
import { planGrant } from '../triage/remediation';
import { TargetError } from '../triage/refs';
import type { Verdict } from '../triage/report';
import { parseCommandLine, USAGE, UsageError, type Command } from './args';
import { engineFor, NoCredentialError } from './engine-for';
import { clusterJson, clusterText } from './cluster-output';
import { explainJson, explainText } from './explain';
import { reportJson, reportText } from './output';
import { readStdin, type StdinLike } from './paste-input';
import { triageCluster, type ClusterVerdict } from '../triage/cluster-triage';

export interface CliIo {
  env: Env;
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Pasted text for `explain` and `check --from-text -`. */
  stdin?: StdinLike;
  signal: AbortSignal;
}

export const EXIT = { healthy: 0, problems: 1, usage: 2, incomplete: 3 } as const;

const VERDICT_EXIT: Record<Verdict, number> = { healthy: EXIT.healthy, problems: EXIT.problems, incomplete: EXIT.incomplete };
const CLUSTER_EXIT: Record<ClusterVerdict, number> = { ...VERDICT_EXIT, 'no-failing-pods': EXIT.healthy };

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await run(parseCommandLine(argv), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (error instanceof TargetError || error instanceof ConfigError || error instanceof NoCredentialError || error instanceof UnknownScenarioError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    if (io.signal.aborted) {
      io.stderr.write('interrupted\n');
      return 130;
    }
    // Unexpected: still one line for the person, the detail only when asked for.
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (io.env.TRIAGE_DEBUG === 'true' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.usage;
  }
}

async function run(command: Command, io: CliIo): Promise<number> {
  switch (command.name) {
    case 'help':
      io.stdout.write(`${USAGE}\n`);
      return EXIT.healthy;
    case 'version':
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT.healthy;
    case 'scenarios':
      for (const s of SCENARIOS) io.stdout.write(`${s.name.padEnd(28)} ${s.description}\n`);
      return EXIT.healthy;
    case 'audit': {
      const entries = await readAudit(storageSettingsFromEnv(io.env as NodeJS.ProcessEnv), { limit: command.limit, signal: io.signal });
      for (const entry of entries) io.stdout.write(`${JSON.stringify(entry)}\n`);
      return EXIT.healthy;
    }
    case 'explain':
      return explain(command, io);
    case 'check':
      return check(command, io);
    case 'grant':
      return grant(command, io);
  }
}

function progress(io: CliIo): (message: string) => void {
  const started = Date.now();
  return (message) => io.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

async function pastedText(given: string | undefined, io: CliIo): Promise<string> {
  return given === undefined || given === '-' ? readStdin(io.stdin, io.signal) : given;
}

async function explain(command: Extract<Command, { name: 'explain' }>, io: CliIo): Promise<number> {
  const text = await pastedText(command.text, io);
  if (text.trim() === '') {
    io.stderr.write('error: nothing to explain — pass --text "<error>" or pipe the text on stdin\n');
    return EXIT.usage;
  }
  const reading = readPaste(text);
  io.stdout.write(`${command.format === 'json' ? explainJson(reading) : explainText(reading)}\n`);
  return EXIT.healthy;
}

/** `--from-text`: the refs the paste names fill what the flags leave open; flags win. */
async function fromText(command: Extract<Command, { name: 'check' }>, io: CliIo): Promise<PasteReading | undefined> {
  if (command.fromText === undefined) return undefined;
  const text = await pastedText(command.fromText, io);
  if (text.trim() === '') throw new UsageError('--from-text is empty: pass the pasted error, or "-" to read it from stdin');
  const reading = readPaste(text);
  if (command.target.demo === undefined) {
    if (command.target.cluster === undefined && reading.refs.cluster === undefined) {
      throw new UsageError('the text names no cluster: add --cluster <ref>');
    }
    if (command.target.registry === undefined && registryRefOf(reading.refs) === undefined) {
      throw new UsageError('the text names no registry or image: add --registry <ref>');
    }
  }
  return reading;
}

async function check(command: Extract<Command, { name: 'check' }>, io: CliIo): Promise<number> {
  const pasted = await fromText(command, io);
  const target = pasted
    ? { ...command.target, cluster: command.target.cluster ?? pasted.refs.cluster, registry: command.target.registry ?? registryRefOf(pasted.refs) }
    : command.target;
  if (pasted && pasted.errors[0]) io.stderr.write(`the pasted error: ${pasted.errors[0].class} — ${pasted.errors[0].meaning}\n`);
  const setup = await engineFor(target, io.env, io.signal);
  if (setup.banner) io.stderr.write(`${setup.banner}\n`);
  if (!setup.target) {
    const t = await triageCluster(setup.engine, setup.cluster, {
      filter: { namespace: command.target.namespace, pod: command.target.pod },
      signal: io.signal,
      podDeadlineMs: setup.podDeadlineMs,
      subscriptionId: setup.subscriptionId,
      onProgress: progress(io),
    });
    io.stdout.write(command.format === 'json' ? `${clusterJson(t)}\n` : `${clusterText(t, io.stdout.isTTY === true)}\n`);
    return CLUSTER_EXIT[t.verdict];
  }
  const result = await setup.engine.triage(setup.target, {
    signal: io.signal,
    pods: command.pods && setup.pods,
    podDeadlineMs: setup.podDeadlineMs,
    onProgress: progress(io),
  });
  const errors = pasted?.errors;
  io.stdout.write(command.format === 'json' ? `${reportJson(result.report, errors)}\n` : `${reportText(result, io.stdout.isTTY === true, errors)}\n`);
  return VERDICT_EXIT[result.report.verdict];
}

async function grant(command: Extract<Command, { name: 'grant' }>, io: CliIo): Promise<number> {
  const setup = await engineFor(command.target, io.env, io.signal);
  if (setup.banner) io.stderr.write(`${setup.banner}\n`);
  if (!setup.target) throw new UsageError('grant needs --registry: it grants on one registry');
  const say = progress(io);
  const result = await setup.engine.triage(setup.target, { signal: io.signal, pods: false, onProgress: say });
  const plan = planGrant(result.evidence, result.report.findings);
  const pullRole = result.report.findings.find((f) => f.check === 'rbac.pull-role');
  if (!plan) {
    if (pullRole?.status === 'pass') {
      io.stdout.write(`Nothing to grant: ${pullRole.evidence}\n`);
      return EXIT.healthy;
    }
    io.stdout.write(`No grant can be planned: ${pullRole ? `${pullRole.status} — ${pullRole.evidence}` : 'the pull-role check did not run'}\n`);
    io.stdout.write(`${reportText(result, io.stdout.isTTY === true)}\n`);
    return VERDICT_EXIT[result.report.verdict];
  }
  io.stdout.write(
    [
      `Plan: grant ${plan.roleName} on registry ${plan.registryName}`,
      `  principal: ${plan.principalName} (${plan.principalId}, ServicePrincipal)`,
      `  role:      ${plan.roleName} (${plan.roleGuid})`,
      `  scope:     ${plan.scope}`,
      ...(plan.condition ? [`  condition: ${plan.condition}`] : []),
      `Equivalent Azure CLI:`,
      `  ${plan.azCommand}`,
      '',
    ].join('\n'),
  );
  if (!command.yes) {
    io.stdout.write('Nothing was written. Re-run with --yes to create this role assignment.\n');
    return EXIT.healthy;
  }
  // The same audit log as the bot's: a grant from a terminal is recorded like one from a chat, and the entry
  // saying it started is written before Azure is touched (no entry, no write).
  const audit = await createAuditLog(storageSettingsFromEnv(io.env as NodeJS.ProcessEnv));
  const actor = { id: `cli:${safeUser()}`, name: safeUser(), channel: 'cli' };
  const target = { cluster: plan.clusterId, registry: plan.scope };
  await audit.append({ at: new Date().toISOString(), kind: 'grant-started', actor, target, plan }, { signal: io.signal });
  // Both steps may retry for a couple of minutes (directory replication, propagation): say so before waiting.
  say(`re-checking the plan and creating the role assignment (retries for up to ~2 minutes if Azure is still replicating the identity)…`);
  const outcome = await setup.engine.grant(plan, { signal: io.signal, approvedBy: `cli:${safeUser()}` });
  const assignmentId = 'assignmentId' in outcome ? outcome.assignmentId : undefined;
  await recordQuietly(io, audit, {
    at: new Date().toISOString(),
    kind: 'grant',
    actor,
    target,
    plan,
    outcome,
    assignmentId,
    reason: 'reason' in outcome ? outcome.reason : undefined,
  });
  io.stdout.write(`${describeOutcome(outcome)}\n`);
  if (outcome.status !== 'created' && outcome.status !== 'already-exists') {
    return outcome.status === 'not-needed' ? EXIT.healthy : EXIT.problems;
  }
  say("verifying: re-reading the registry's role assignments until the grant shows (up to ~2 minutes)…");
  const verification = await setup.engine.verify(plan, { signal: io.signal });
  await recordQuietly(io, audit, { at: new Date().toISOString(), kind: 'verification', actor, target, verification, assignmentId });
  io.stdout.write(`Verification: ${verification.detail}\n`);
  return verification.visible ? EXIT.healthy : EXIT.incomplete;
}

/** After the write, a failed audit append must not hide the outcome: say so on stderr. */
async function recordQuietly(io: CliIo, audit: AuditLog, entry: AuditEntry): Promise<void> {
  try {
    await audit.append(entry, { signal: io.signal });
  } catch (error) {
    io.stderr.write(`warning: the audit entry "${entry.kind}" could not be written: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function describeOutcome(outcome: GrantOutcome): string {
  switch (outcome.status) {
    case 'created':
      return `Created role assignment ${outcome.assignmentId}${outcome.correlationId ? ` (correlation ${outcome.correlationId})` : ''}.`;
    case 'already-exists':
      return `The role assignment already exists${outcome.assignmentId ? `: ${outcome.assignmentId}` : ''}.`;
    case 'not-needed':
      return `Nothing written: ${outcome.reason}`;
    case 'stale':
      return `Nothing written, the plan is out of date: ${outcome.reason}`;
    case 'forbidden':
      return `Not allowed: ${outcome.reason} Needs: ${outcome.needs}.`;
    case 'failed':
      return `The grant failed${outcome.code ? ` (${outcome.code})` : ''}: ${outcome.reason}`;
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function packageVersion(): string {
  return packageJson.version;
}
