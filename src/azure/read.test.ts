import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { RestError as MsRestError } from '@azure/ms-rest-js';
import { MalformedAnswerError, failureOf, readArm } from './read';

const spec = { what: 'cluster aks-prod', needs: 'Reader on aks-prod' };

function restError(status: number, code?: string, headers: Record<string, string> = {}): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  return new RestError(`${code ?? 'Error'}: something`, {
    statusCode: status,
    code,
    request,
    response: { status, headers: createHttpHeaders(headers), request },
  });
}

describe('failureOf', () => {
  it.each([
    [401, 'InvalidAuthenticationToken', 'forbidden'],
    [403, 'AuthorizationFailed', 'forbidden'],
    [404, 'ResourceNotFound', 'not-found'],
    [429, 'TooManyRequests', 'throttled'],
    [408, undefined, 'timeout'],
    [500, 'InternalServerError', 'unavailable'],
    [503, 'ServiceUnavailable', 'unavailable'],
    [400, 'InvalidFilter', 'error'],
  ] as const)('maps %i %s to %s', (status, code, kind) => {
    const failure = failureOf(restError(status, code), spec);
    expect(failure).toMatchObject({ kind, status });
    if (code) expect(failure.code).toBe(code);
    expect(failure.message).toMatch(/^Could not read cluster aks-prod: /);
  });

  it('names the permission only for forbidden reads', () => {
    expect(failureOf(restError(403, 'AuthorizationFailed'), spec).needs).toBe('Reader on aks-prod');
    expect(failureOf(restError(404, 'ResourceNotFound'), spec).needs).toBeUndefined();
  });

  it('keeps the request id, or the correlation id when there is no request id', () => {
    expect(
      failureOf(restError(403, 'AuthorizationFailed', { 'x-ms-request-id': 'req-1', 'x-ms-correlation-request-id': 'corr-1' }), spec).requestId,
    ).toBe('req-1');
    expect(failureOf(restError(500, 'X', { 'x-ms-correlation-request-id': 'corr-2' }), spec).requestId).toBe('corr-2');
  });

  it('reads ms-rest-js errors (Resource Graph client) the same way', () => {
    const error = new MsRestError('denied', 'AuthorizationFailed', 403);
    expect(failureOf(error, spec)).toMatchObject({ kind: 'forbidden', status: 403, code: 'AuthorizationFailed' });
  });

  it('maps aborts to timeout, parse errors to malformed and network errors to unavailable', () => {
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    expect(failureOf(abort, spec).kind).toBe('timeout');
    expect(failureOf(new MalformedAnswerError('missing properties.loginServer'), spec)).toMatchObject({
      kind: 'malformed',
      message: expect.stringContaining('missing properties.loginServer'),
    });
    expect(failureOf(new SyntaxError('Unexpected token < in JSON'), spec).kind).toBe('malformed');
    expect(failureOf(new RestError('connect ECONNREFUSED', { code: 'REQUEST_SEND_ERROR' }), spec).kind).toBe('unavailable');
    expect(failureOf(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), spec).kind).toBe('unavailable');
    expect(failureOf('weird', spec).kind).toBe('error');
  });
});

describe('readArm', () => {
  it('returns ok with the mapped value', async () => {
    await expect(
      readArm(
        spec,
        async () => ({ n: 1 }),
        (r) => r.n + 1,
      ),
    ).resolves.toEqual({ state: 'ok', value: 2 });
  });

  it('turns a mapper complaint into malformed', async () => {
    const read = await readArm(
      spec,
      async () => ({}),
      () => {
        throw new MalformedAnswerError('missing id');
      },
    );
    expect(read).toMatchObject({ state: 'failed', failure: { kind: 'malformed' } });
  });

  it('gives up at the deadline even when the call ignores its abort signal, and aborts the call', async () => {
    let aborted = false;
    const started = Date.now();
    const read = await readArm({ ...spec, deadlineMs: 50 }, (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise<never>(() => undefined);
    });
    expect(read).toMatchObject({ state: 'failed', failure: { kind: 'timeout', message: expect.stringContaining('0.05 s') } });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(aborted).toBe(true);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const pending = readArm({ ...spec, signal: controller.signal, deadlineMs: 10_000 }, () => new Promise<never>(() => undefined));
    controller.abort();
    await expect(pending).resolves.toMatchObject({ state: 'failed', failure: { kind: 'timeout' } });
  });

  it('never throws, whatever the call throws', async () => {
    await expect(
      readArm(spec, async () => {
        throw restError(403, 'AuthorizationFailed');
      }),
    ).resolves.toMatchObject({ state: 'failed', failure: { kind: 'forbidden', needs: 'Reader on aks-prod' } });
  });
});
