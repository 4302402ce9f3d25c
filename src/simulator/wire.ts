/**
 * The emulator's transport-neutral request and response, and the ARM error shape. Both transports (in-process
 * HttpClient and the HTTPS listener) translate to and from these, so every route is written once.
 */
import { randomUUID } from 'node:crypto';

export interface EmuRequest {
  method: string;
  /** Host without port, lowercase. */
  host: string;
  /** Scheme + host (+ port) the client used, for links it must follow (nextLink, Location). */
  origin: string;
  /** URL-decoded path without query. */
  path: string;
  query: Record<string, string>;
  /** Header names lowercase. */
  headers: Record<string, string>;
  bodyText: string;
}

export interface EmuResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) };
}

/** ARM's error envelope: `{ error: { code, message } }`. */
export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): EmuResponse {
  return jsonResponse(status, { error: { code, message } }, headers);
}

export function withRequestIds(request: EmuRequest, response: EmuResponse): EmuResponse {
  const correlation = request.headers['x-ms-correlation-request-id'] ?? request.headers['x-ms-client-request-id'] ?? randomUUID();
  return {
    ...response,
    headers: { 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': correlation, ...response.headers },
  };
}

/** Parses a JSON request body; `undefined` for an empty body, an Error for a malformed one. */
export function parseJsonBody(request: EmuRequest): unknown {
  if (request.bodyText.trim() === '') return undefined;
  try {
    return JSON.parse(request.bodyText) as unknown;
  } catch {
    return new Error('malformed JSON');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseForm(bodyText: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(bodyText)) out[key] = value;
  return out;
}

export { GUID as GUID_PATTERN } from '../primitives/guid';
