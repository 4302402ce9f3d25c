import { Writable } from 'node:stream';
import { ConfigError } from '../config';
import { WorkContext } from './context';
import { createLogger, logLevelFromEnv, scrub } from './log';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, time and the work ids in force', async () => {
    const out = capture();
    const work = new WorkContext();
    const log = createLogger({ destination: out.stream, context: work });
    await work.run({ requestId: 'req-1', turnId: 'turn-1' }, async () => {
      await Promise.resolve();
      await work.run({ triageId: 'tri-1' }, async () => log.info('checking', { cluster: 'aks-prod' }));
      log.warn('after the triage');
    });
    log.error('outside any request');
    const [inTriage, afterTriage, outside] = out.lines();
    expect(inTriage).toMatchObject({
      level: 'info',
      msg: 'checking',
      cluster: 'aks-prod',
      requestId: 'req-1',
      turnId: 'turn-1',
      triageId: 'tri-1',
      service: 'aks-registry-triage',
    });
    expect(typeof inTriage.time).toBe('string');
    expect(afterTriage).toMatchObject({ level: 'warn', requestId: 'req-1', turnId: 'turn-1' });
    expect(afterTriage.triageId).toBeUndefined();
    expect(outside.requestId).toBeUndefined();
  });

  it('an id learned later in a request (assign) reaches later lines of that request only', async () => {
    const out = capture();
    const work = new WorkContext();
    const log = createLogger({ destination: out.stream, context: work });
    await Promise.all([
      work.run({ requestId: 'a' }, async () => {
        work.assign({ turnId: 'turn-a' });
        await new Promise((r) => setTimeout(r, 5));
        log.info('a');
      }),
      work.run({ requestId: 'b' }, async () => log.info('b')),
    ]);
    const byMsg = Object.fromEntries(out.lines().map((l) => [l.msg, l]));
    expect(byMsg.a).toMatchObject({ requestId: 'a', turnId: 'turn-a' });
    expect(byMsg.b.turnId).toBeUndefined();
  });

  it('never writes secrets: secret-named keys are redacted and token-shaped text is scrubbed', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJib3QiLCJhdWQiOiJhcm0ifQ.c2lnbmF0dXJlLXBhcnQ';
    log.error(`ARM said 401 for Authorization: Bearer ${jwt}`, {
      token: 'xoxb-1234567890-abcdefghij',
      detail: { signingSecret: 'shh-very-secret', headers: { authorization: 'Bearer abcdefghijk' } },
      error: 'connect failed: DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0a2V5MTIzNA==;EndpointSuffix=core.windows.net',
      url: 'https://st.blob.core.windows.net/c/b?sv=2022&sig=abcdEFGH%2B123',
      note: 'slack said invalid_auth for xoxb-999999999-zzzzzzzzzz',
    });
    const text = out
      .lines()
      .map((l) => JSON.stringify(l))
      .join('\n');
    for (const secret of [
      jwt,
      'xoxb-1234567890-abcdefghij',
      'shh-very-secret',
      'abcdefghijk',
      'c2VjcmV0a2V5MTIzNA==',
      'abcdEFGH%2B123',
      'xoxb-999999999-zzzzzzzzzz',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('AccountName=st');
  });

  it('LOG_LEVEL decides what is written and rejects unknown levels', () => {
    const out = capture();
    const log = createLogger({ destination: out.stream, level: logLevelFromEnv({ LOG_LEVEL: 'warn' }) });
    log.info('hidden');
    log.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
    expect(logLevelFromEnv({})).toBe('info');
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('scrub leaves ordinary text alone', () => {
    expect(scrub('kubelet identity aks-prod-agentpool lacks AcrPull on myacr')).toBe('kubelet identity aks-prod-agentpool lacks AcrPull on myacr');
  });
});
