/**
 * identity.sp-secret: a service-principal cluster whose client secret has expired gets 401 on every pull (docs/domain.md#kubelet-identity).
 * "Now" is when the evidence was collected, so the verdict is reproducible.
 */
import type { Check } from '../report';
import { pullAuth, requireCluster } from '../principal';

const DAY_MS = 24 * 60 * 60 * 1000;
const GRAPH = "Microsoft Graph Application.Read.All (to read the application's passwordCredentials)";

export const identitySpSecret: Check = {
  id: 'identity.sp-secret',
  title: "The cluster service principal's secret is valid",
  run(e) {
    const input = requireCluster(e);
    if (!input.ok) return { ...input.outcome, evidence: `${input.outcome.evidence} Without it the cluster's identity type is not known.` };
    const cluster = input.value;
    const auth = pullAuth(cluster);
    if (auth === 'msi') return { status: 'skip', evidence: `Cluster ${cluster.name} uses a managed identity; there is no client secret to expire.` };
    if (auth === 'undetermined')
      return {
        status: 'unknown',
        evidence: `Cluster ${cluster.name} reports neither a managed identity nor a service principal, so it is not known whether a secret is involved.`,
        remediation: 'Resolve identity.kubelet first.',
        needs: 'a cluster read that returns identity and servicePrincipalProfile',
      };
    const appId = cluster.servicePrincipalClientId as string;
    const rg = cluster.resourceGroup;
    const reset =
      `az aks update-credentials --resource-group ${rg} --name ${cluster.name} --reset-service-principal --service-principal ${appId} ` +
      `--client-secret "$(az ad app credential reset --id ${appId} --append --query password -o tsv)"`;
    const remediation = `Issue a new secret for ${appId} and give it to the cluster, or move the cluster to a managed identity (az aks update -g ${rg} -n ${cluster.name} --enable-managed-identity).`;
    const sp = e.servicePrincipal;
    if (sp.state === 'failed')
      return {
        status: 'unknown',
        evidence: `The secrets of service principal ${appId} could not be read: ${sp.failure.message}`,
        remediation: `Give the bot ${GRAPH}, or check yourself: az ad app credential list --id ${appId} --query "[].endDateTime"`,
        needs: sp.failure.needs ?? GRAPH,
      };
    if (sp.state === 'skipped')
      return {
        status: 'unknown',
        evidence: `The secrets of service principal ${appId} were not read: ${sp.reason}`,
        remediation: `Check yourself: az ad app credential list --id ${appId} --query "[].endDateTime"`,
        needs: GRAPH,
      };
    const now = Date.parse(e.collectedAt);
    const ends = sp.value.secretEndDates.map((d) => ({ d, t: Date.parse(d) })).filter((x) => !Number.isNaN(x.t));
    if (sp.value.secretEndDates.length === 0)
      return {
        status: 'fail',
        evidence: `Cluster ${cluster.name} uses service principal ${appId}, which has no client secret at all, so nodes cannot sign in to pull.`,
        remediation,
        command: reset,
      };
    if (ends.length === 0 || Number.isNaN(now))
      return {
        status: 'unknown',
        evidence: `The secret expiry dates of service principal ${appId} could not be understood: ${sp.value.secretEndDates.join(', ')}.`,
        remediation: `Check yourself: az ad app credential list --id ${appId} --query "[].endDateTime"`,
        needs: 'passwordCredentials[].endDateTime as ISO dates',
      };
    const latest = ends.reduce((a, b) => (b.t > a.t ? b : a));
    if (latest.t < now) {
      const what =
        ends.length === 1 ? `its only secret expired ${latest.d}` : `all ${ends.length} of its secrets have expired, the last on ${latest.d}`;
      return { status: 'fail', evidence: `Cluster ${cluster.name} uses service principal ${appId}; ${what}.`, remediation, command: reset };
    }
    const days = Math.floor((latest.t - now) / DAY_MS);
    if (latest.t - now < 30 * DAY_MS)
      return {
        status: 'warn',
        evidence: `Cluster ${cluster.name} uses service principal ${appId}; its latest secret expires ${latest.d} (in ${days} day${days === 1 ? '' : 's'}). Pulls will fail with 401 after that.`,
        remediation,
        command: reset,
      };
    return { status: 'pass', evidence: `Cluster ${cluster.name} uses service principal ${appId}; its latest secret is valid until ${latest.d}.` };
  },
};
