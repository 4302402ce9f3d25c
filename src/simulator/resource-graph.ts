/**
 * `POST /providers/Microsoft.ResourceGraph/resources`: runs the KQL subset of kql.ts over the resources of the
 * readable subscriptions, in ARG's row shape (lowercase `type` and `resourceGroup`, plus `tenantId`,
 * `subscriptionId`). Paging follows ARG: `$top`/`$skipToken` when the output has an `id` column, otherwise the
 * answer is cut at the page size and flagged `resultTruncated`.
 */
import type { ArmResource, World } from './scenario';
import { armError, isRecord, jsonResponse, parseJsonBody, type EmuRequest, type EmuResponse } from './wire';
import { isVisible } from './access';
import { resourceGroupOf, subscriptionOf } from './resource-ids';
import { KqlError, parseKql, runKql } from './kql';

const DEFAULT_TOP = 100;
const MAX_TOP = 1000;

function toRow(world: World, resource: ArmResource): Record<string, unknown> {
  const subscriptionId = subscriptionOf(resource.id) ?? '';
  const tenantId =
    resource.tenantId ?? world.subscriptions.find((s) => s.subscriptionId.toLowerCase() === subscriptionId.toLowerCase())?.tenantId ?? '';
  return {
    id: resource.id,
    name: resource.name,
    type: resource.type.toLowerCase(),
    tenantId,
    kind: '',
    location: resource.location ?? '',
    resourceGroup: (resourceGroupOf(resource.id) ?? '').toLowerCase(),
    subscriptionId,
    managedBy: '',
    sku: resource.sku ?? null,
    plan: null,
    properties: resource.properties ?? {},
    tags: resource.tags ?? null,
    identity: resource.identity ?? null,
    zones: null,
    extendedLocation: null,
  };
}

function badRequest(message: string): EmuResponse {
  return jsonResponse(400, {
    error: {
      code: 'BadRequest',
      message,
      details: [
        {
          code: 'InvalidQuery',
          message: 'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.',
        },
      ],
    },
  });
}

function stringList(value: unknown): string[] | undefined | Error {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return new Error('not a list of strings');
  return value as string[];
}

function decodeSkipToken(token: unknown): number | undefined {
  if (token === undefined || token === null) return 0;
  if (typeof token !== 'string') return undefined;
  const offset = Number.parseInt(
    Buffer.from(token, 'base64')
      .toString('utf8')
      .replace(/^offset:/, ''),
    10,
  );
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

export function handleResourceGraph(world: World, request: EmuRequest): EmuResponse {
  if (request.method !== 'POST') return armError(405, 'MethodNotAllowed', 'Resource Graph queries are POST requests.');
  if (world.resourceGraphDisabled) {
    const oid = world.caller.principalId;
    return armError(
      403,
      'AuthorizationFailed',
      `The client '${oid}' with object id '${oid}' does not have authorization to perform action 'Microsoft.ResourceGraph/resources/read' over scope '/providers/Microsoft.ResourceGraph'. Resource Graph is not available to this identity.`,
    );
  }
  const body = parseJsonBody(request);
  if (!isRecord(body) || typeof body['query'] !== 'string') return badRequest('The request body must be a JSON object with a string "query".');
  const subscriptions = stringList(body['subscriptions']);
  if (subscriptions instanceof Error) return badRequest('"subscriptions" must be a list of subscription ids.');
  const options = isRecord(body['options']) ? body['options'] : {};
  const top = options['$top'] ?? options['top'];
  if (top !== undefined && (typeof top !== 'number' || !Number.isInteger(top) || top < 1 || top > MAX_TOP)) {
    return badRequest(`options.$top must be a whole number between 1 and ${MAX_TOP}.`);
  }
  const offset = decodeSkipToken(options['$skipToken'] ?? options['skipToken']);
  if (offset === undefined) return badRequest('options.$skipToken is not a token this service issued.');
  const format = options['resultFormat'] ?? 'objectArray';
  if (format !== 'objectArray' && format !== 'table') return badRequest("options.resultFormat must be 'objectArray' or 'table'.");

  let result: ReturnType<typeof runKql>;
  try {
    const query = parseKql(body['query']);
    const wanted = subscriptions?.map((s) => s.toLowerCase());
    const rows = world.resources
      .filter((r) => isVisible(world, r.id))
      .filter((r) => wanted === undefined || wanted.includes((subscriptionOf(r.id) ?? '').toLowerCase()))
      .map((r) => toRow(world, r));
    result = runKql(query, rows);
  } catch (error) {
    if (error instanceof KqlError) return badRequest(`Query is outside the emulator's Resource Graph subset: ${error.message}`);
    throw error;
  }

  const pageSize = typeof top === 'number' ? top : DEFAULT_TOP;
  const columns = result.columns ?? Object.keys(result.rows[0] ?? {});
  const pageable = columns.includes('id');
  const page = result.rows.slice(offset, offset + pageSize);
  const more = offset + pageSize < result.rows.length;
  const data =
    format === 'table'
      ? { columns: columns.map((name) => ({ name, type: 'string' })), rows: page.map((row) => columns.map((c) => row[c] ?? null)) }
      : page;
  return jsonResponse(200, {
    totalRecords: result.rows.length,
    count: page.length,
    resultTruncated: more && !pageable ? 'true' : 'false',
    ...(more && pageable ? { $skipToken: Buffer.from(`offset:${offset + pageSize}`).toString('base64') } : {}),
    data,
    facets: [],
  });
}
