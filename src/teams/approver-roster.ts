/**
 * The approvers' Teams user ids (MRIs, `29:…`) in one conversation, for a findings card's `refresh.userIds`.
 * Teams matches `userIds` against the ids its roster uses; an Entra object id (or `8:orgid:<id>`) matches
 * nobody, and a list that matches nobody leaves every approver without the live view. So the ids come from
 * the roster itself (TeamsInfo.getMember by Entra object id), within a deadline, cached per conversation;
 * when the roster cannot be read the answer is empty and the card goes out without `refresh`.
 */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from '../conversation/background';

export interface ApproverRosterOptions {
  /** Entra object ids of the approvers (the only kind of approver Teams knows). */
  approvers: readonly string[];
  log: Logger;
  /** How long one conversation's lookup may take before the card goes without refresh. */
  deadlineMs?: number;
  /** How long a resolved list is reused (people join and leave). */
  ttlMs?: number;
  /** How long a failed lookup is remembered, so a locked roster is not asked on every card. */
  failureTtlMs?: number;
  /** Conversations remembered at most (oldest forgotten first). */
  maxConversations?: number;
  now?: () => number;
}

interface Entry {
  until: number;
  mris: Promise<readonly string[]>;
}

/**
 * Teams answers a member lookup for someone not in the conversation with 404 MemberNotFoundInConversation;
 * a 404 for the conversation itself (ConversationNotFound) means the roster was not read at all.
 */
function notAMember(error: unknown): boolean {
  return statusOf(error) === 404 && (error as { code?: unknown }).code !== 'ConversationNotFound';
}

export class ApproverRoster {
  private readonly entries = new Map<string, Entry>();
  private readonly deadlineMs: number;
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(private readonly o: ApproverRosterOptions) {
    this.deadlineMs = o.deadlineMs ?? 2_000;
    this.ttlMs = o.ttlMs ?? 15 * 60_000;
    this.failureTtlMs = o.failureTtlMs ?? 60_000;
    this.max = o.maxConversations ?? 1_000;
    this.now = o.now ?? Date.now;
  }

  /**
   * The approvers' MRIs in the conversation of `context` (possibly none). Never rejects. A turn context
   * (which carries the team in channelData) resolves best; a continued conversation reuses what a turn found.
   */
  mris(context: TurnContext): Promise<readonly string[]> {
    if (this.o.approvers.length === 0) return Promise.resolve([]);
    const key = conversationKey(context);
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.mris;
    const entry: Entry = { until: this.now() + this.ttlMs, mris: Promise.resolve([]) };
    entry.mris = this.resolve(context).then(
      (mris) => mris,
      (error: unknown) => {
        entry.until = this.now() + this.failureTtlMs;
        this.o.log.warn('approvers not resolved in the Teams roster; findings cards go without automatic refresh', {
          conversation: key,
          error: describe(error),
        });
        return [];
      },
    );
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return entry.mris;
  }

  private async resolve(context: TurnContext): Promise<readonly string[]> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`roster lookup took longer than ${this.deadlineMs} ms`), { code: 'RosterTimeout' })),
        this.deadlineMs,
      );
    });
    // botbuilder's member lookup takes no AbortSignal: the race bounds our wait, the HTTP client its own.
    const lookups = Promise.all(this.o.approvers.map((id) => this.member(context, id)));
    try {
      const found = await Promise.race([lookups, deadline]);
      return found.filter((id): id is string => id !== undefined);
    } finally {
      clearTimeout(timer);
      lookups.catch(() => undefined);
    }
  }

  private async member(context: TurnContext, aadObjectId: string): Promise<string | undefined> {
    try {
      const member = await TeamsInfo.getMember(context, aadObjectId);
      return typeof member.id === 'string' && member.id.startsWith('29:') ? member.id : undefined;
    } catch (error) {
      if (notAMember(error)) return undefined;
      throw error;
    }
  }
}

/** What the lookup asks: TeamsInfo reads the team's roster when the activity names a team, else the conversation's. */
function conversationKey(context: TurnContext): string {
  const { channelId, conversation, channelData } = context.activity;
  const team = (channelData as { team?: { id?: unknown } } | undefined)?.team?.id;
  // A channel thread's id carries `;messageid=…`; the roster belongs to the channel.
  return typeof team === 'string' && team ? `${channelId}/team/${team}` : `${channelId}/${conversation.id.split(';')[0]}`;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function describe(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return status ? `${status}: ${message}` : message;
}
