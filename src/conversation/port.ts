/**
 * The one seam between the conversation core and a channel (Teams, Slack, the alerts to come). The core
 * decides what to show and where; the channel renders the view model in its own format (Adaptive Card,
 * Block Kit) and moves the bytes. Who is speaking or pressing comes from the channel's authenticated data,
 * handed to the core in the Turn — never from anything a message or a button carries.
 */
import type { AlertBannerView } from '../channels/alert-banner';
import type { AskView, AuditView, HelpView, NoticeView, ProgressView, TriageSnapshot } from '../channels/view-model';
import type { GrantPlan } from '../triage/remediation';
import type { ApprovalRecord, Person } from './approvals';
import type { ChannelName, MessageLocation } from './location';

/** A findings message with the approval it offers, when it offers one. */
export interface FindingsView {
  kind: 'findings';
  snapshot: TriageSnapshot;
  offer?: { plan: GrantPlan; approval: ApprovalRecord };
  /** An alert's name, severity, first-fired time and count, shown on top (alert cards). */
  banner?: AlertBannerView;
}

/** What the core asks a channel to show; each channel renders every kind. */
export type ConversationView =
  | { kind: 'help'; view: HelpView }
  | { kind: 'ask'; view: AskView }
  | { kind: 'progress'; view: ProgressView; banner?: AlertBannerView }
  | FindingsView
  | { kind: 'notice'; view: NoticeView; banner?: AlertBannerView }
  | { kind: 'audit'; view: AuditView }
  /** A press that was refused, for the presser: the notice, over the findings it was pressed on when known. */
  | { kind: 'refusal'; view: NoticeView; findings?: FindingsView };

/** One inbound event, as the channel adapter authenticated it. */
export interface Turn {
  channel: ChannelName;
  /** The person who wrote or pressed, from the channel's authenticated fields. */
  person: Person;
  /** The conversation (and thread) the event came from: where new messages go. */
  where: MessageLocation;
  /** Key of the conversation's state: one per channel conversation (per thread in Slack). */
  conversationKey: string;
  /** The channel's id of this delivery (Slack event_id, Teams activity id): a second delivery is ignored. */
  eventId?: string;
}

export interface ChannelPort {
  /** A new message in the conversation `where` names; returns where it now is. */
  post(where: MessageLocation, view: ConversationView): Promise<MessageLocation>;
  /** Replaces a message for everyone; a location without a message id posts a new one instead. */
  replace(at: MessageLocation, view: ConversationView): Promise<void>;
  /** Seen by the person of `turn` alone; nobody else's view changes. */
  answerPrivately(turn: Turn, view: ConversationView): Promise<void>;
}
