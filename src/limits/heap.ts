/**
 * How far V8 lets the old generation grow past what survived its last full collection. Left to itself V8
 * picks a factor of up to 4× when collections are cheap next to the program's own work, and a burst of 200
 * checks is exactly that: everything a check holds for its two seconds (requests, cards, replies) is
 * promoted, dies, and stays as garbage until the heap has grown far enough. A fixed 30 % collects it sooner:
 * on the 200-check benchmark the bot's peak RSS went from 253–256 MB to 192–201 MB with the same CPU per check
 * and card times within the machine's noise (README, Benchmarks).
 *
 * It is a process-wide V8 setting, so only a process that hosts the bot applies it, once, at its start:
 * `src/index.ts` (the product) and `bench/bot.ts` (which hosts the same bot to measure it).
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 30;

export function limitHeapGrowth(percent: number = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
