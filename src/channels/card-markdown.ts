/**
 * Text from Azure and Kubernetes reaches Adaptive Card TextBlocks, which render markdown. Anyone who can
 * write a Kubernetes event in any namespace (or name an Azure resource) could otherwise put a disguised link
 * — `[Fix it here](https://evil.example)` — on the bot's findings card. A zero-width space between `]` and
 * `(` (and after `<`, for autolinks) breaks the link syntax in every markdown renderer while the text reads
 * exactly as written; backslash escapes would show as backslashes in renderers that ignore them.
 */
const ZERO_WIDTH_SPACE = '\u200b';

/** The same text, with nothing in it that a markdown renderer would turn into a link or an image. */
export function plainInMarkdown(text: string): string {
  return text.replace(/\](\s*)\(/g, `]${ZERO_WIDTH_SPACE}$1(`).replace(/</g, `<${ZERO_WIDTH_SPACE}`);
}

/** Every string in a card's template data, made plain (the templates add their own markdown around them). */
export function plainData<T>(data: T): T {
  if (typeof data === 'string') return plainInMarkdown(data) as T;
  if (Array.isArray(data)) return data.map((item: unknown) => plainData(item)) as T;
  if (typeof data === 'object' && data !== null) {
    // A loop, not fromEntries(entries().map()): this runs over every view model of every card.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(data)) out[key] = plainData((data as Record<string, unknown>)[key]);
    return out as T;
  }
  return data;
}
