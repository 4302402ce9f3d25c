/** Messages between an emulator on its own thread (emulator-worker.ts) and its handle (emulator-thread.ts). */
import type { Fault } from './scenario';
import type { Outcome } from './in-process-client';
import type { EmuRequest } from './wire';

export type ThreadRequest =
  | { kind: 'dispatch'; id: number; request: EmuRequest }
  | { kind: 'abort'; id: number }
  | { kind: 'token'; id: number; scope: string }
  | { kind: 'request-count'; id: number }
  /** CPU time of the emulator's process (meaningful when it has one of its own). */
  | { kind: 'cpu'; id: number }
  | { kind: 'faults'; id: number; faults: Fault[] }
  | { kind: 'latency'; id: number; ms: number };

export type ThreadReply =
  | { kind: 'ready' }
  | { kind: 'dispatch'; id: number; outcome: Outcome }
  | { kind: 'token'; id: number; token: string; expiresOnTimestamp: number }
  | { kind: 'request-count'; id: number; count: number }
  | { kind: 'cpu'; id: number; cpuMs: number }
  | { kind: 'done'; id: number }
  | { kind: 'error'; id: number; message: string };
