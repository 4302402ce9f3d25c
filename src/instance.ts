/**
 * Which process this is (`host#pid`), for records other processes read: the audit says who wrote an entry,
 * an approval says who is carrying it out. On the same host, whether that process still runs can be asked.
 */
import { hostname } from 'node:os';

export const INSTANCE_ID = `${hostname()}#${process.pid}`;

/** True only when `id` names a process on this host that no longer exists (elsewhere nothing is known). */
export function instanceGone(id: string): boolean {
  const match = /^(.*)#(\d+)$/.exec(id);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ESRCH';
  }
}
