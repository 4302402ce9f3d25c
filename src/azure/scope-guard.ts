/**
 * TRIAGE_ALLOWED_SUBSCRIPTIONS at the transport: an ARM request under any other subscription is refused in
 * this process, before a token or a byte leaves it — reads, run command and role-assignment writes alike,
 * whichever code path (or ref a requester typed) led there. Refused reads become `unknown` findings that
 * name the setting, like any other 403.
 */
import { RestError, type PipelinePolicy } from '@azure/core-rest-pipeline';

export const OUTSIDE_ALLOWED_SCOPE = 'OutsideAllowedSubscriptions';

export function subscriptionGuard(armEndpoint: string, allowed: readonly string[]): PipelinePolicy {
  const origin = new URL(armEndpoint).origin.toLowerCase();
  const permitted = new Set(allowed.map((s) => s.toLowerCase()));
  return {
    name: 'triageSubscriptionGuard',
    sendRequest: async (request, next) => {
      const url = new URL(request.url);
      const subscription = /^\/+subscriptions\/([^/?]+)/i.exec(url.pathname)?.[1]?.toLowerCase();
      if (url.origin.toLowerCase() === origin && subscription && !permitted.has(subscription)) {
        throw new RestError(`Subscription ${subscription} is outside TRIAGE_ALLOWED_SUBSCRIPTIONS; this bot does not read or change it.`, {
          code: OUTSIDE_ALLOWED_SCOPE,
          statusCode: 403,
          request,
        });
      }
      return next(request);
    },
  };
}
