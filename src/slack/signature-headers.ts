/**
 * Slack's request signature, checked from the headers alone before the body is read: a request without
 * `x-slack-signature` and `x-slack-request-timestamp`, or stamped more than five minutes from now (Slack's
 * own replay window), can never verify, so its body is not worth a byte of memory. Bolt verifies the HMAC
 * itself once the bounded body has been read.
 */
import type { IncomingMessage } from 'node:http';

/** Slack's replay window: requests older (or newer) than this are refused. */
export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export function slackHeaderRefusal(req: Pick<IncomingMessage, 'headers'>, nowMs = Date.now()): { status: number; message: string } | undefined {
  const signature = req.headers['x-slack-signature'];
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/i.test(signature))
    return { status: 401, message: 'missing or malformed x-slack-signature' };
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return { status: 401, message: 'missing or malformed x-slack-request-timestamp' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return { status: 401, message: 'stale x-slack-request-timestamp' };
  return undefined;
}
