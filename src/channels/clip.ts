/** Cuts long text on a line or word boundary and says how much was left out, so nobody mistakes it for the whole. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
  const kept = cut > max * 0.6 ? head.slice(0, cut) : head;
  return `${kept.trimEnd()} … [${text.length - kept.length} more characters cut; run the CLI with --format json for all of it]`;
}
