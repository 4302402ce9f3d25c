/**
 * Times in the reader's time zone. The view model cannot know the reader's zone, so it marks each time it
 * shows with a token (private-use characters around an ISO time, untouched by any escaping), and each
 * renderer replaces the tokens with what its client formats locally: Adaptive Cards' DATE()/TIME(), Slack's
 * `<!date^…>`, the terminal's own zone.
 */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = /\uE000(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}))\uE001/g;

/** A time for the view: the token when `iso` is a time, the text unchanged otherwise. */
export function timeToken(iso: string): string {
  return Number.isNaN(Date.parse(iso)) || !/^\d{4}-\d{2}-\d{2}T/.test(iso) ? iso : `${OPEN}${iso}${CLOSE}`;
}

export function replaceTimes(text: string, format: (date: Date) => string): string {
  return text.includes(OPEN) ? text.replace(TOKEN, (_m, iso: string) => format(new Date(iso))) : text;
}

/** `2026-12-03T16:36:34Z`: Adaptive Cards' DATE()/TIME() want RFC 3339 without fractions. */
function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** UTC fallback for clients that cannot format locally. */
export function utcText(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Adaptive Cards: formatted by the client in the reader's zone. */
export function adaptiveCardTime(date: Date): string {
  const t = rfc3339(date);
  return `{{DATE(${t}, SHORT)}} {{TIME(${t})}}`;
}

/** Slack mrkdwn: formatted by Slack in the reader's zone, UTC text as the fallback. */
export function slackTime(date: Date): string {
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${utcText(date)}>`;
}

/** The terminal: the machine's own time zone (TZ), with the zone named. */
export function localTime(date: Date, timeZone?: string): string {
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  return new Intl.DateTimeFormat('en-GB', { ...options, ...(timeZone && { timeZone }) }).format(date);
}

/**
 * Replaces the time tokens in every string of a JSON value the caller owns (a card just expanded from its
 * template), in place: copying a whole findings card to change a few strings was a fifth of the garbage a
 * card render made. Returns the same value.
 */
export function replaceTimesInPlace<T>(value: T, format: (date: Date) => string): T {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = replaceTimesOf(value[i], format);
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = replaceTimesOf(record[key], format);
  }
  return value;
}

function replaceTimesOf(value: unknown, format: (date: Date) => string): unknown {
  return typeof value === 'string' ? replaceTimes(value, format) : replaceTimesInPlace(value, format);
}
