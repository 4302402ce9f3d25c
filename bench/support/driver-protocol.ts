/** Messages between the benchmark's main thread (the bots) and its driver thread (client + fake connector). */
export type Expected = 'help-card' | 'echo';

export type DriverRequest =
  | { kind: 'turns'; id: number; url: string; conversation: string; n: number; expect: Expected }
  | {
      kind: 'round';
      id: number;
      url: string;
      conversations: number;
      first: number;
      label: string;
      text: string;
      deadlineMs: number;
      presses?: PressPlan[];
    }
  | { kind: 'offers'; id: number; conversations: string[] };

/** A grant press the driver sends `afterMs` into a round, on an offer it saw earlier. */
export interface PressPlan {
  afterMs: number;
  offer: Offer;
  presser: { id: string; aadObjectId: string; name: string };
}

/** A findings card with a grant button, as it reached the connector. */
export interface Offer {
  conversation: string;
  activityId: string;
  approvalId: string;
}

export interface PressOutcome {
  afterMs: number;
  status: number;
  /** POST → HTTP response of the invoke (its answer is in the response body). */
  ms: number;
  /** The invoke answered with the approved card. */
  accepted: boolean;
}

/** Sequential turns: POST → HTTP response, and POST → the reply reaching the connector, each in ms. */
export interface TurnTimes {
  http: number[];
  reply: number[];
}

export interface TurnOutcome {
  status: number;
  turnMs: number;
  /** The progress card (the first message the check posts) at the connector. */
  progressMs?: number;
  /** The ARM findings card (ARM checks done; the progress card replaced). */
  firstFindingsMs?: number;
  /** The pod-evidence update: the findings card with the grant button (approval offered). */
  finalMs?: number;
  failure?: string;
}

export type DriverReply =
  | { kind: 'ready'; connectorUrl: string }
  | { kind: 'turns'; id: number; times: TurnTimes }
  | { kind: 'round'; id: number; outcomes: TurnOutcome[]; presses: PressOutcome[] }
  | { kind: 'offers'; id: number; offers: Offer[] }
  | { kind: 'error'; id: number; message: string };
