import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileStorage } from '../storage/file-storage';
import { ConversationState } from './conversation-state';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'conversation-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Two instances of the bot: each its own ConversationState and FileStorage, one shared directory. */
function instances(): [ConversationState, ConversationState] {
  return [new ConversationState(new FileStorage({ directory: dir })), new ConversationState(new FileStorage({ directory: dir }))];
}

const remember = (registry: string) => () => ({ data: { last: { cluster: 'aks-prod', registry } }, result: registry });

test('an event delivered again is a duplicate on whichever instance it lands, and changes nothing', async () => {
  const [a, b] = instances();
  expect(await a.decide('slack/T/C/', 'Ev1', remember('first'))).toEqual({ result: 'first' });
  expect(await b.decide('slack/T/C/', 'Ev1', remember('second'))).toBe('duplicate');
  expect(await a.read('slack/T/C/')).toEqual({ draft: undefined, last: { cluster: 'aks-prod', registry: 'first' } });
  expect(await b.decide('slack/T/C/', 'Ev2', remember('second'))).toEqual({ result: 'second' });
});

test('the same event id in another conversation is another event', async () => {
  const [a] = instances();
  expect(await a.decide('teams/msteams/19:a', 'act-1', remember('x'))).toEqual({ result: 'x' });
  expect(await a.decide('teams/msteams/19:b', 'act-1', remember('y'))).toEqual({ result: 'y' });
});

test('racing deliveries of one event on two instances: exactly one decides', async () => {
  const [a, b] = instances();
  await a.decide('slack/T/C/', 'Ev0', remember('seed'));
  const results = await Promise.all([a.decide('slack/T/C/', 'Ev9', remember('a')), b.decide('slack/T/C/', 'Ev9', remember('b'))]);
  expect(results.filter((r) => r === 'duplicate')).toHaveLength(1);
});

test('read-only events are remembered by the instance that answered them', () => {
  const [a, b] = instances();
  expect(a.claimReadOnly('slack/T/C/', 'Ev5')).toBe(true);
  expect(a.claimReadOnly('slack/T/C/', 'Ev5')).toBe(false);
  expect(b.claimReadOnly('slack/T/C/', 'Ev5')).toBe(true);
  expect(a.claimReadOnly('slack/T/C/', undefined)).toBe(true);
  expect(a.claimReadOnly('slack/T/C/', undefined)).toBe(true);
});
