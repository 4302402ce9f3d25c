/**
 * The pasted text a CLI command reads: `--text` / `--from-text`, or stdin (`-`, or no flag for `explain`).
 * Stdin is read up to a bound and then let go, so a runaway pipe cannot fill memory; a terminal on stdin
 * (nothing piped) counts as no text.
 */
import { MAX_PASTE } from '../triage/paste';

/** Bytes read from stdin; a paste is cut to MAX_PASTE characters afterwards anyway. */
const MAX_STDIN_BYTES = 4 * MAX_PASTE;

export interface StdinLike extends AsyncIterable<Buffer | string> {
  isTTY?: boolean;
  destroy?(): void;
}

export async function readStdin(stdin: StdinLike | undefined, signal: AbortSignal): Promise<string> {
  if (!stdin || stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    if (signal.aborted) break;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_STDIN_BYTES) {
      stdin.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_STDIN_BYTES).toString('utf8');
}
