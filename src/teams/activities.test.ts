import type { Activity } from 'botbuilder';
import { personOf } from './activities';

const OBJECT_ID = '0000000b-0000-4000-8000-0000000000b2';

function activity(channelId: string, from: Record<string, unknown>): Activity {
  return { type: 'invoke', channelId, from, recipient: { id: 'bot' }, conversation: { id: 'c' } } as unknown as Activity;
}

describe('personOf', () => {
  it.each(['msteams', 'emulator'])('keeps the Entra object id that %s sets', (channel) => {
    expect(personOf(activity(channel, { id: '29:1ana', aadObjectId: OBJECT_ID, name: 'Ana' }))).toEqual({
      id: '29:1ana',
      aadObjectId: OBJECT_ID,
      name: 'Ana',
      channel,
    });
  });

  it.each(['webchat', 'directline', 'slack', 'telegram'])('drops an object id claimed on %s, where the client writes its own "from"', (channel) => {
    const person = personOf(activity(channel, { id: 'dl_123', aadObjectId: OBJECT_ID, name: 'Ana' }));
    expect(person).toEqual({ id: 'dl_123', name: 'Ana', channel });
  });

  it('never takes the channel account id for an object id', () => {
    expect(personOf(activity('msteams', { id: OBJECT_ID }))).toEqual({ id: OBJECT_ID, channel: 'msteams' });
  });

  it('ignores a non-string object id', () => {
    expect(personOf(activity('msteams', { id: '29:x', aadObjectId: { toLowerCase: 1 } }))).toEqual({ id: '29:x', channel: 'msteams' });
  });
});
