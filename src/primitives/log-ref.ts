import { randomUUID } from 'node:crypto';

/** A short reference said to a person and written in the log line of the same failure, so the two can be matched. */
export function logRef(): string {
  return randomUUID().slice(0, 8);
}
