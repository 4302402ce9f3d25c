/**
 * AKS run command as ARM serves it: `POST …/runCommand` answers 202 + Location, the command result answers 202 once
 * and then 200. Only KUBE_EVIDENCE_COMMAND (src/azure/kube-command.ts) is answered, rendered from
 * `world.kube[clusterId]` as kubectl prints it (kube-render.ts: per-query Forbidden, logs cut at 512 KiB);
 * anything else exits 1, as a refused write would.
 */
import { randomUUID } from 'node:crypto';
import type { ArmResource, World } from './scenario';
import { KUBE_EVIDENCE_COMMAND } from '../azure/kube-command';
import { renderKubeEvidence } from './kube-render';
import { armError, isRecord, jsonResponse, parseJsonBody, type EmuRequest, type EmuResponse } from './wire';

interface CommandResult {
  id: string;
  polled: number;
  properties: {
    provisioningState: string;
    exitCode: number | null;
    startedAt: string;
    finishedAt: string;
    logs: string;
    reason: string | null;
  };
}

export class RunCommands {
  private readonly results = new Map<string, CommandResult>();

  constructor(private readonly world: World) {}

  start(request: EmuRequest, cluster: ArmResource): EmuResponse {
    const apiServer = cluster.properties?.['apiServerAccessProfile'];
    if (isRecord(apiServer) && apiServer['disableRunCommand'] === true) {
      return armError(
        400,
        'BadRequest',
        `Run command is disabled for managed cluster '${cluster.name}' (apiServerAccessProfile.disableRunCommand is true).`,
      );
    }
    const body = parseJsonBody(request);
    if (!isRecord(body) || typeof body['command'] !== 'string' || body['command'].trim() === '') {
      return armError(400, 'InvalidParameter', "The request body must be a RunCommandRequest with a non-empty 'command'.");
    }
    if (body['context'] !== undefined && typeof body['context'] !== 'string') return armError(400, 'InvalidParameter', "'context' must be a string.");
    if (body['clusterToken'] !== undefined && typeof body['clusterToken'] !== 'string')
      return armError(400, 'InvalidParameter', "'clusterToken' must be a string.");

    const id = randomUUID().replace(/-/g, '');
    const state = this.world.kube?.[cluster.id.toLowerCase()];
    const now = new Date();
    const startedAt = now.toISOString();
    const finishedAt = new Date(now.getTime() + 1000).toISOString();
    const properties: CommandResult['properties'] = state?.runCommandFailure
      ? { provisioningState: 'Failed', exitCode: null, startedAt, finishedAt, logs: '', reason: state.runCommandFailure }
      : body['command'].trim() === KUBE_EVIDENCE_COMMAND
        ? {
            provisioningState: 'Succeeded',
            exitCode: 0,
            startedAt,
            finishedAt,
            logs: renderKubeEvidence(state, this.world.caller.principalId),
            reason: null,
          }
        : {
            provisioningState: 'Succeeded',
            exitCode: 1,
            startedAt,
            finishedAt,
            logs: `error: the ARM emulator only runs the read-only evidence command of src/azure/kube-command.ts; refused: ${body['command']}\n`,
            reason: null,
          };
    this.results.set(`${cluster.id.toLowerCase()}/${id}`, { id, polled: 0, properties });
    const apiVersion = request.query['api-version'] ?? '';
    return {
      status: 202,
      headers: { location: `${request.origin}${cluster.id}/commandResults/${id}?api-version=${encodeURIComponent(apiVersion)}` },
    };
  }

  result(cluster: ArmResource, commandId: string): EmuResponse {
    const result = this.results.get(`${cluster.id.toLowerCase()}/${commandId}`);
    if (!result) return armError(404, 'NotFound', `Command result '${commandId}' of managed cluster '${cluster.name}' was not found.`);
    result.polled++;
    if (result.polled === 1) {
      return jsonResponse(202, { id: result.id, properties: { provisioningState: 'Running', startedAt: result.properties.startedAt } });
    }
    return jsonResponse(200, { id: result.id, properties: result.properties });
  }
}
