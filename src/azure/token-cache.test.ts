import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { cachingCredential } from './token-cache';

function countingCredential(lifetimeMs: number, clock: () => number) {
  const calls: string[] = [];
  const credential: TokenCredential = {
    async getToken(scopes) {
      const key = Array.isArray(scopes) ? scopes.join(' ') : scopes;
      calls.push(key);
      await new Promise((r) => setTimeout(r, 5));
      return { token: `t${calls.length}`, expiresOnTimestamp: clock() + lifetimeMs } satisfies AccessToken;
    },
  };
  return { credential, calls };
}

describe('cachingCredential', () => {
  it('asks once for concurrent requests of the same scope', async () => {
    const t = 1_000_000;
    const clock = () => t;
    const { credential, calls } = countingCredential(3_600_000, clock);
    const cached = cachingCredential(credential, clock);
    const tokens = await Promise.all([1, 2, 3, 4].map(() => cached.getToken('https://management.azure.com/.default')));
    expect(calls).toHaveLength(1);
    expect(new Set(tokens.map((x) => x?.token))).toEqual(new Set(['t1']));
  });

  it('keeps scopes apart and renews tokens close to expiry', async () => {
    let t = 1_000_000;
    const clock = () => t;
    const { credential, calls } = countingCredential(10 * 60_000, clock);
    const cached = cachingCredential(credential, clock);
    await cached.getToken('a/.default');
    await cached.getToken('b/.default');
    await cached.getToken('a/.default');
    expect(calls).toEqual(['a/.default', 'b/.default']);
    t += 9 * 60_000; // one minute left: inside the renewal window
    const renewed = await cached.getToken('a/.default');
    expect(calls).toEqual(['a/.default', 'b/.default', 'a/.default']);
    expect(renewed?.token).toBe('t3');
  });

  it('passes claims challenges through uncached', async () => {
    const clock = () => 0;
    const { credential, calls } = countingCredential(3_600_000, clock);
    const cached = cachingCredential(credential, clock);
    await cached.getToken('a/.default');
    await cached.getToken('a/.default', { claims: 'e30=' });
    expect(calls).toHaveLength(2);
  });
});
