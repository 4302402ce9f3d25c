/**
 * The benchmark's driver, in its own process (or thread): the Teams side (POSTs to /api/messages) and the fake Bot
 * Connector. Kept off the bots' event loop so that, under load, a turn's latency is the bot's and not the
 * time a starved in-process client took to notice the response — as with Teams, which does not share the
 * bot's CPU. Both clocks (request start, card arrival) are this thread's performance.now().
 */
import { BenchConnector, cardOf, type Arrival } from './connector';
import type { DriverReply, DriverRequest, Expected, Offer, PressOutcome, PressPlan, TurnOutcome, TurnTimes } from './driver-protocol';
import { conversationId, grantPress, mention, post } from './teams-activity';
import { parentLink } from '../../src/simulator/message-channel';

const TURN_TIMEOUT_MS = 15_000;

const connector = new BenchConnector();

const cardJson = (a: Arrival) => JSON.stringify(cardOf(a.activity) ?? {});
const isHelpCard = (a: Arrival) => a.method === 'POST' && cardJson(a).includes('What I can do');
const isEcho = (a: Arrival) => a.method === 'POST' && typeof a.activity.text === 'string' && a.activity.text.endsWith(' help');
const hasGrantButton = (a: Arrival) => a.method === 'PUT' && cardJson(a).includes('"approvalId"');
const couldNotFinish = (a: Arrival) => a.method === 'PUT' && cardJson(a).includes('could not finish');

/**
 * `n` help turns one after another, each timed to its HTTP response and to its reply reaching the connector
 * (whether the bot replies inside the turn, as the echo bot does, or after acknowledging it, as ours does).
 */
async function turns(url: string, conversation: string, n: number, expect: Expected): Promise<TurnTimes> {
  const times: TurnTimes = { http: [], reply: [] };
  const expected = expect === 'help-card' ? isHelpCard : isEcho;
  for (let i = 0; i < n; i += 1) {
    const signal = AbortSignal.timeout(TURN_TIMEOUT_MS);
    const from = connector.arrivals(conversation).length;
    const res = await post(url, mention(connector.url, conversation, 1, 'help'), signal);
    if (res.status !== 200) throw new Error(`${conversation}: help turn answered HTTP ${res.status}`);
    const reply = await connector.waitFor(conversation, () => true, { from, signal });
    if (!expected(reply)) throw new Error(`${conversation}: a help turn was answered with something else than the expected reply`);
    times.http.push(res.ms);
    times.reply.push(reply.at - res.started);
  }
  return times;
}

async function converse(url: string, conversation: string, n: number, text: string, signal: AbortSignal): Promise<TurnOutcome> {
  const from = connector.arrivals(conversation).length;
  const res = await post(url, mention(connector.url, conversation, n, text), signal).catch(() => undefined);
  if (!res) return { status: 0, turnMs: Number.NaN, failure: 'no HTTP response before the deadline' };
  const outcome: TurnOutcome = { status: res.status, turnMs: res.ms };
  if (res.status !== 200) return { ...outcome, failure: `HTTP ${res.status}` };
  const last = await connector.waitFor(conversation, (a) => hasGrantButton(a) || couldNotFinish(a), { from, signal }).catch(() => undefined);
  const arrived = connector.arrivals(conversation).slice(from);
  const progress = arrived.find((a) => a.method === 'POST');
  const first = arrived.find((a) => a.method === 'PUT');
  if (progress) outcome.progressMs = progress.at - res.started;
  if (first) outcome.firstFindingsMs = first.at - res.started;
  if (!last) return { ...outcome, failure: 'no findings card before the deadline' };
  if (!hasGrantButton(last)) return { ...outcome, failure: 'the check could not finish' };
  return { ...outcome, finalMs: last.at - res.started };
}

/** The newest grant offer in each conversation (the card's activity id and the approval it names). */
function offers(conversations: string[]): Offer[] {
  return conversations.flatMap((conversation) => {
    const last = [...connector.arrivals(conversation)].reverse().find(hasGrantButton);
    const approvalId = last && /"approvalId":"([^"]+)"/.exec(cardJson(last))?.[1];
    return last && approvalId ? [{ conversation, activityId: last.id, approvalId }] : [];
  });
}

/** One grant press, timed to the HTTP response that carries the invoke's answer. */
async function press(url: string, plan: PressPlan, signal: AbortSignal): Promise<PressOutcome> {
  const activity = grantPress(connector.url, plan.offer.conversation, plan.presser, plan.offer.activityId, plan.offer.approvalId);
  const res = await post(url, activity, signal).catch(() => undefined);
  if (!res) return { afterMs: plan.afterMs, status: 0, ms: Number.NaN, accepted: false };
  return { afterMs: plan.afterMs, status: res.status, ms: res.ms, accepted: res.status === 200 && !res.body.includes('Not approved') };
}

/** `conversations` distinct conversations sending `text` at the same moment, and grant presses during it. */
async function round(request: Extract<DriverRequest, { kind: 'round' }>): Promise<{ outcomes: TurnOutcome[]; presses: PressOutcome[] }> {
  const signal = AbortSignal.timeout(request.deadlineMs);
  const ids = Array.from({ length: request.conversations }, (_, i) => request.first + i);
  const presses = (request.presses ?? []).map(
    (plan) => new Promise<PressOutcome>((resolve) => setTimeout(() => resolve(press(request.url, plan, signal)), plan.afterMs)),
  );
  const outcomes = await Promise.all(ids.map((n) => converse(request.url, conversationId(n, request.label), n, request.text, signal)));
  return { outcomes, presses: await Promise.all(presses) };
}

async function handle(request: DriverRequest): Promise<DriverReply> {
  try {
    if (request.kind === 'turns')
      return { kind: 'turns', id: request.id, times: await turns(request.url, request.conversation, request.n, request.expect) };
    if (request.kind === 'offers') return { kind: 'offers', id: request.id, offers: offers(request.conversations) };
    return { kind: 'round', id: request.id, ...(await round(request)) };
  } catch (error) {
    return { kind: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}

async function main(): Promise<void> {
  const port = parentLink();
  if (!port) throw new Error('driver-worker runs as a child process or worker thread of bench/bot');
  await connector.start();
  port.onMessage((request: DriverRequest) => {
    void handle(request).then((reply) => port.postMessage(reply));
  });
  const ready: DriverReply = { kind: 'ready', connectorUrl: connector.url };
  port.postMessage(ready);
}

void main();
