/**
 * Where a message lives, per channel, as plain data the core can store with an approval and hand back to
 * the same channel later (to replace the findings message after the grant, from any instance). The core
 * never looks inside a channel's variant; only that channel's adapter does.
 */

/** A JSON object the core stores and returns untouched. */
export type OpaqueJson = Readonly<Record<string, unknown>>;

export interface TeamsLocation {
  channel: 'teams';
  /** The Bot Framework conversation reference (service URL, conversation, bot), as the Teams adapter wrote it. */
  reference: OpaqueJson;
  /** The activity id of the message; absent for "the conversation" (a new message goes there). */
  messageId?: string;
}

export interface SlackLocation {
  channel: 'slack';
  /** Slack channel (or DM) id. */
  conversation: string;
  /** The thread the bot answers in, when the request was in a thread. */
  threadTs?: string;
  /** The message's own ts (Slack's id of a message); absent for "the conversation". */
  messageTs?: string;
}

export type MessageLocation = TeamsLocation | SlackLocation;
export type ChannelName = MessageLocation['channel'];

/** Checks stored data before the core hands it to an adapter: anything else is treated as "nowhere". */
export function asLocation(value: unknown): MessageLocation | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  if (v.channel === 'teams' && typeof v.reference === 'object' && v.reference !== null && optionalString(v.messageId)) {
    return { channel: 'teams', reference: v.reference as OpaqueJson, ...(v.messageId ? { messageId: v.messageId as string } : {}) };
  }
  if (v.channel === 'slack' && typeof v.conversation === 'string' && optionalString(v.threadTs) && optionalString(v.messageTs)) {
    return {
      channel: 'slack',
      conversation: v.conversation,
      ...(v.threadTs ? { threadTs: v.threadTs as string } : {}),
      ...(v.messageTs ? { messageTs: v.messageTs as string } : {}),
    };
  }
  return undefined;
}
