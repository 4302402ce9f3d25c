import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FileStorage } from '../storage/file-storage';
import { ConversationReferences } from './conversation-references';

const activity = {
  type: 'message',
  id: 'a1',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  from: { id: '29:user', name: 'User' },
  recipient: { id: '28:bot', name: 'triage' },
  conversation: { id: '19:chan@thread.tacv2;messageid=17', conversationType: 'channel', isGroup: true, name: '' },
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'refs-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ConversationReferences', () => {
  it('writes a new reference when the pace allows, answering from memory meanwhile', async () => {
    const storage = new FileStorage({ directory: dir });
    const writes: (() => Promise<void>)[] = [];
    const references = new ConversationReferences(storage, { paced: (write) => new Promise((resolve) => writes.push(() => write().then(resolve))) });
    references.remember(activity);
    expect(writes).toHaveLength(1);
    expect(await storage.read(['teams-conversation-references/19:chan@thread.tacv2'])).toEqual({});
    expect((await references.get('19:chan@thread.tacv2'))?.serviceUrl).toBe(activity.serviceUrl);

    await writes[0]();
    // Another process (a fresh instance on the same storage) finds both the thread and its channel.
    const other = new ConversationReferences(storage);
    expect((await other.get('19:chan@thread.tacv2;messageid=17'))?.conversation?.id).toBe('19:chan@thread.tacv2;messageid=17');
    expect((await other.get('19:chan@thread.tacv2'))?.conversation?.id).toBe('19:chan@thread.tacv2');
    // Once kept, the same conversation asks for no second write.
    references.remember(activity);
    expect(writes).toHaveLength(1);
  });

  it('forgets a reference whose write failed, so that the next activity writes it again', async () => {
    const storage = new FileStorage({ directory: dir });
    const errors: unknown[] = [];
    let fail = true;
    let written: Promise<void> = Promise.resolve();
    const references = new ConversationReferences(storage, {
      paced: (write) => (written = fail ? Promise.reject(new Error('storage down')) : write()),
      onError: (error) => errors.push(error),
    });
    references.remember(activity);
    await written.catch(() => undefined);
    expect(errors).toHaveLength(1);
    fail = false;
    references.remember(activity);
    await written;
    expect((await new ConversationReferences(storage).get('19:chan@thread.tacv2'))?.serviceUrl).toBe(activity.serviceUrl);
  });
});
