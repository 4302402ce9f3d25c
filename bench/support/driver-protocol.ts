/** Messages between the benchmark's main thread (the bots) and its driver thread (client + fake connector). */
export type Expected = 'help-card' | 'echo';

export type DriverRequest =
  | { kind: 'turns'; id: number; url: string; conversation: string; n: number; expect: Expected }
  | { kind: 'round'; id: number; url: string; conversations: number; first: number; label: string; text: string; deadlineMs: number };

export interface TurnOutcome {
  status: number;
  turnMs: number;
  /** First findings card (ARM checks done; the progress card replaced). */
  firstFindingsMs?: number;
  /** The findings card with the grant button (pod evidence in, approval offered). */
  finalMs?: number;
  failure?: string;
}

export type DriverReply =
  | { kind: 'ready'; connectorUrl: string }
  | { kind: 'turns'; id: number; times: number[] }
  | { kind: 'round'; id: number; outcomes: TurnOutcome[] }
  | { kind: 'error'; id: number; message: string };
