/**
 * Where the bot may post without being asked: the conversation references of the teams, channels and chats
 * it is in, kept from the activities Teams sends (installation and conversation updates, and every message
 * after that), in the shared storage so that any instance can post an alert there. Keyed by conversation
 * id; a channel thread's id (`19:…@thread.tacv2;messageid=…`) is also kept under its channel's id.
 *
 * Keeping one never holds a turn: the write happens beside it (once per conversation and process), as
 * background work (`paced`: after the turns and messages of a burst, not among them), and this process
 * answers from memory meanwhile.
 */
import { TurnContext, type Activity, type ConversationReference } from 'botbuilder';

/** The shared store's shape (the composition root hands in the same store the core uses). */
export interface ReferenceStore {
  read(keys: string[]): Promise<Record<string, unknown>>;
  write(changes: Record<string, Record<string, unknown>>): Promise<void>;
}

const KEY = (conversationId: string) => `teams-conversation-references/${conversationId}`;
/** References this process keeps in memory; older ones are read back from storage when needed. */
const MEMORY = 2000;

/** Demo mode's alert destination: the conversation that spoke to the bot last (the Agents Playground chat). */
export const LATEST_CONVERSATION = '@latest';

export class ConversationReferences {
  private readonly memory = new Map<string, Partial<ConversationReference>>();
  private latest?: Partial<ConversationReference>;

  /** `trackLatest`: demo mode only (one process, one person): "the chat that spoke last" is kept in memory. */
  constructor(
    private readonly storage: ReferenceStore,
    private readonly o: {
      trackLatest?: boolean;
      onError?: (error: unknown) => void;
      /** Runs the write when background work may (the work scheduler); at once without it. */
      paced?: (write: () => Promise<void>) => Promise<void>;
    } = {},
  ) {}

  /** Remembers where this activity came from. */
  remember(activity: Partial<Activity>): void {
    const reference = TurnContext.getConversationReference(activity);
    const id = reference.conversation?.id;
    if (!id || !reference.serviceUrl) return;
    if (this.o.trackLatest) this.latest = reference;
    const ids = [...new Set([id, id.split(';')[0] ?? id])].filter((i) => !this.memory.has(i));
    if (ids.length === 0) return;
    const entries = ids.map((i): [string, Partial<ConversationReference>] => [
      i,
      { ...reference, conversation: { ...reference.conversation!, id: i } },
    ]);
    for (const [i, r] of entries) this.memory.set(i, r);
    while (this.memory.size > MEMORY) this.memory.delete(this.memory.keys().next().value as string);
    const write = () => this.storage.write(Object.fromEntries(entries.map(([i, r]) => [KEY(i), { reference: r, eTag: '*' }])));
    void (this.o.paced ? this.o.paced(write) : write()).catch((error: unknown) => {
      for (const i of ids) this.memory.delete(i);
      this.o.onError?.(error);
    });
  }

  async get(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    if (conversationId === LATEST_CONVERSATION) return this.latest;
    const known = this.memory.get(conversationId);
    if (known) return known;
    const item = (await this.storage.read([KEY(conversationId)]))[KEY(conversationId)] as { reference?: Partial<ConversationReference> } | undefined;
    return item?.reference;
  }
}
