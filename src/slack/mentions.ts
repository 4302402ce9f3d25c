/** `<@U0BOT> check …` → `check …`: only what follows the mention is the request. */
export function withoutMentions(text: string): string {
  return text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
