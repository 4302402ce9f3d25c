/**
 * What the alert core asks of a channel: post a message into a destination and replace it later. Each
 * channel (Teams, Slack) renders the same message with its own renderer and says where the message lives
 * in the form the approvals keep, so that a press on its grant button updates it like any other card.
 */
import type { AlertBannerView } from '../channels/alert-banner';
import type { NoticeView, ProgressView, TriageSnapshot } from '../channels/view-model';
import type { ApprovalRecord } from '../bot/approvals';
import type { GrantPlan } from '../triage/remediation';
import type { Destination } from './routing';

export type AlertMessage =
  | { kind: 'progress'; banner: AlertBannerView; view: ProgressView }
  | { kind: 'notice'; banner: AlertBannerView; view: NoticeView }
  | { kind: 'findings'; banner: AlertBannerView; snapshot: TriageSnapshot; offer?: { plan: GrantPlan; approval: ApprovalRecord } };

/** A posted message: its id in the channel, and the conversation an approval keeps to update it. */
export interface PostedMessage {
  id: string;
  conversation: NonNullable<ApprovalRecord['conversation']>;
}

export interface AlertChannel {
  post(destination: Destination, message: AlertMessage, signal?: AbortSignal): Promise<PostedMessage>;
  update(destination: Destination, posted: PostedMessage, message: AlertMessage, signal?: AbortSignal): Promise<void>;
}

/** The destination cannot be posted to (bot not installed there, channel not configured); said in the record. */
export class AlertDeliveryError extends Error {
  readonly code = 'AlertDeliveryFailed';
  constructor(message: string) {
    super(message);
    this.name = 'AlertDeliveryError';
  }
}
