/**
 * What `check --cluster` alone prints: one line saying what was read and what fails, then the usual report
 * of each failing registry (failing first). JSON: `{ cluster, verdict, summary, registries: [ { registry,
 * failing: [...], report } ] }`, where each `report` is the one-registry JSON contract.
 */
import { clusterSummary, type ClusterTriage } from '../triage/cluster-triage';
import { reportObject, reportText } from './output';

export function clusterText(t: ClusterTriage, colour: boolean): string {
  const sections = t.registries.map(({ group, result }) => {
    const pods = [...new Set(group.failing.map((f) => `${f.namespace}/${f.pod}`))];
    const heading = `=== ${group.key}: ${group.failing.length} container${group.failing.length === 1 ? '' : 's'} failing to pull (${pods.slice(0, 5).join(', ')}${pods.length > 5 ? `, and ${pods.length - 5} more` : ''})`;
    return `${heading}\n${reportText(result, colour)}`;
  });
  return [clusterSummary(t), ...sections].join('\n\n');
}

export function clusterJson(t: ClusterTriage): string {
  return JSON.stringify(
    {
      cluster: t.cluster.state === 'ok' ? { id: t.cluster.value.id, name: t.cluster.value.name } : null,
      verdict: t.verdict,
      summary: clusterSummary(t),
      registries: t.registries.map(({ group, result }) => ({ registry: group.key, failing: group.failing, report: reportObject(result.report) })),
    },
    null,
    2,
  );
}
