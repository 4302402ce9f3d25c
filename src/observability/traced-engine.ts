/**
 * The engine as the bot sees it, observed: each triage, grant and verification is a span (Azure requests
 * made inside become its children, see traced-http.ts), runs under its own triage id in the logs, and
 * counts towards the triage metrics. Behaviour is the inner engine's, unchanged.
 */
import { randomUUID } from 'node:crypto';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Logger } from '../conversation/background';
import type { AuditLog } from '../storage/audit';
import type { TriageEngine } from '../triage/engine';
import type { Target } from '../triage/refs';
import type { WorkContext } from './context';
import type { Telemetry } from './telemetry';

function targetAttributes(target: Target): Record<string, string> {
  const registry = target.registry;
  return {
    'triage.cluster': target.cluster.name,
    'triage.registry': 'host' in registry ? registry.host : registry.name,
    ...(target.image ? { 'triage.image': target.image.raw } : {}),
  };
}

export function tracedEngine(engine: TriageEngine, o: { telemetry: Telemetry; context: WorkContext; log: Logger }): TriageEngine {
  const { tracer, counters } = o.telemetry;

  const observe = <T>(operation: string, attributes: Record<string, string>, fn: (span: Span) => Promise<T>): Promise<T> =>
    tracer.startActiveSpan(operation, { attributes }, async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        counters.errors.add(1, { operation });
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    });

  return {
    triage(target, options) {
      const triageId = randomUUID();
      return o.context.run({ triageId }, () =>
        observe('triage', { 'triage.id': triageId, ...targetAttributes(target) }, async (span) => {
          const result = await engine.triage(target, options);
          span.setAttributes({ 'triage.verdict': result.report.verdict, 'triage.azure_requests': result.requestCount });
          counters.triages.add(1, { verdict: result.report.verdict });
          o.log.info('triage finished', { verdict: result.report.verdict, azureRequests: result.requestCount, ...targetAttributes(target) });
          return result;
        }),
      );
    },
    readClusterPods(cluster, options) {
      return observe('cluster-pods', { 'cluster.name': cluster.name }, async (span) => {
        const pods = await engine.readClusterPods(cluster, options);
        span.setAttributes({
          'cluster.found': pods.cluster.state === 'ok',
          'pods.read': pods.kube.state === 'ok',
          'triage.azure_requests': pods.requestCount,
        });
        return pods;
      });
    },
    grant(plan, options) {
      return observe('grant', { 'grant.scope': plan.scope, 'grant.role': plan.roleName, 'grant.principal': plan.principalId }, async (span) => {
        const outcome = await engine.grant(plan, options);
        span.setAttribute('grant.status', outcome.status);
        if (outcome.status === 'forbidden' || outcome.status === 'failed') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
        counters.grants.add(1, { status: outcome.status });
        o.log.info('grant finished', { status: outcome.status, scope: plan.scope, role: plan.roleName, principalId: plan.principalId });
        return outcome;
      });
    },
    verify(plan, options) {
      return observe('verify', { 'grant.scope': plan.scope, 'grant.principal': plan.principalId }, async (span) => {
        const outcome = await engine.verify(plan, options);
        span.setAttributes({ 'verify.visible': outcome.visible, 'verify.pull_role': outcome.pullRoleStatus });
        return outcome;
      });
    },
    assignmentOf(plan, options) {
      return observe('assignment-lookup', { 'grant.scope': plan.scope, 'grant.principal': plan.principalId }, async (span) => {
        const lookup = await engine.assignmentOf(plan, options);
        span.setAttribute('assignment.state', lookup.state);
        return lookup;
      });
    },
  };
}

/** Counts refused approvals as the approval service records them; the log itself is unchanged. */
export function countedAudit(audit: AuditLog, telemetry: Telemetry): AuditLog {
  return {
    append(entry, options) {
      if (entry.kind === 'approval-refused') telemetry.counters.refusals.add(1, { reason: entry.reason?.slice(0, 60) ?? 'unknown' });
      return audit.append(entry, options);
    },
    recent: (n, options) => audit.recent(n, options),
  };
}
