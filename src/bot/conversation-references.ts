/**
 * Where the bot may post without being asked: the conversation references of the teams, channels and chats
 * it is in, kept from the activities Teams sends (installation and conversation updates, and every message
 * after that), in the shared storage so that any instance can post an alert there. Keyed by conversation
 * id; a channel thread's id (`19:…@thread.tacv2;messageid=…`) is also kept under its channel's id.
 */
import { TurnContext, type Activity, type ConversationReference, type Storage } from 'botbuilder';

const KEY = (conversationId: string) => `teams-conversation-references/${conversationId}`;

/** Demo mode's alert destination: the conversation that spoke to the bot last (the Agents Playground chat). */
export const LATEST_CONVERSATION = '@latest';

export class ConversationReferences {
  private readonly known = new Set<string>();
  private latest?: string;

  constructor(private readonly storage: Storage) {}

  /** Remembers where this activity came from (once per conversation and process). */
  async remember(activity: Partial<Activity>): Promise<void> {
    const reference = TurnContext.getConversationReference(activity);
    const id = reference.conversation?.id;
    if (!id || !reference.serviceUrl) return;
    const channelId = id.split(';')[0] ?? id;
    const ids = [...new Set([id, channelId])].filter((i) => !this.known.has(i));
    if (this.latest !== id) {
      this.latest = id;
      ids.push(LATEST_CONVERSATION);
    }
    if (ids.length === 0) return;
    await this.storage.write(Object.fromEntries(ids.map((i) => [KEY(i), { reference: { ...reference, conversation: { ...reference.conversation, id: i === LATEST_CONVERSATION ? id : i } }, eTag: '*' }])));
    ids.filter((i) => i !== LATEST_CONVERSATION).forEach((i) => this.known.add(i));
  }

  async get(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    const item = (await this.storage.read([KEY(conversationId)]))[KEY(conversationId)] as { reference?: Partial<ConversationReference> } | undefined;
    return item?.reference;
  }
}
