/**
 * A duration as people write it in settings: a whole number with a unit (`90s`, `30m`, `1h`, `2d`, `500ms`);
 * a bare number is seconds. One parser for every duration setting.
 */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? 's').toLowerCase() as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}
