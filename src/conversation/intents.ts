/**
 * What a message asks for, and a bolt-style router that sends it to one thin handler per intent. Pure:
 * the text has already had the bot's @mention removed.
 */
export type Intent =
  | { kind: 'help' }
  | { kind: 'check-again' }
  | { kind: 'audit' }
  /** `check …` or free text that may name a cluster and a registry. */
  | { kind: 'check'; text: string; explicit: boolean };

export type IntentKind = Intent['kind'];

export function intentOf(text: string): Intent {
  const t = text.trim().replace(/\s+/g, ' ');
  const lower = t.toLowerCase().replace(/[.!?]+$/, '');
  if (lower === '' || lower === 'help' || lower === '?' || lower === 'hi' || lower === 'hello') return { kind: 'help' };
  if (lower === 'check again' || lower === 'again' || lower === 'recheck' || lower === 're-check') return { kind: 'check-again' };
  if (lower === 'audit' || lower === 'audit log') return { kind: 'audit' };
  // The text keeps its line breaks: a pasted describe/events block is read line by line.
  return { kind: 'check', text: text.trim(), explicit: lower === 'check' || lower.startsWith('check ') };
}

export type IntentHandler<C, K extends IntentKind> = (context: C, intent: Extract<Intent, { kind: K }>) => Promise<void>;

export class IntentRouter<C> {
  private readonly handlers = new Map<IntentKind, (context: C, intent: Intent) => Promise<void>>();

  on<K extends IntentKind>(kind: K, handler: IntentHandler<C, K>): this {
    this.handlers.set(kind, (context, intent) => handler(context, intent as Extract<Intent, { kind: K }>));
    return this;
  }

  async dispatch(context: C, intent: Intent): Promise<void> {
    const handler = this.handlers.get(intent.kind);
    if (!handler) throw new Error(`No handler registered for intent ${intent.kind}`);
    await handler(context, intent);
  }
}
