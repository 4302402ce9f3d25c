/**
 * CPU time of the calling thread alone (Linux: /proc/thread-self/stat, utime + stime in clock ticks of
 * 10 ms). Event-loop utilisation counts wall time the loop was not idle, which on a loaded machine includes
 * time the thread was waiting for a core; this is the time it actually ran. Undefined where /proc is not.
 */
import { readFileSync } from 'node:fs';

/** USER_HZ: 100 on every Linux architecture Node supports (`getconf CLK_TCK`). */
const TICK_MS = 10;

export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}
