import { fromAnswer, fromText, repeat } from './target-dialog';
import { intentOf } from './intents';
import { CHECK_ACR, DESCRIBE_POD, GET_EVENTS, KUBELET_EVENT } from '../../test/fixtures/pastes';

describe('intents', () => {
  test.each([
    ['help', 'help'],
    ['  Help ', 'help'],
    ['check again', 'check-again'],
    ['Check again.', 'check-again'],
    ['audit', 'audit'],
    ['check aks-prod myacr', 'check'],
    ['pods on aks-prod cannot pull from myacr', 'check'],
  ])('%j → %s', (text, kind) => {
    expect(intentOf(text).kind).toBe(kind);
  });
});

describe('target dialog', () => {
  test('check <cluster> <registry> is ready at once', () => {
    const step = fromText('check aks-prod myacr');
    expect(step).toMatchObject({ kind: 'ready', refs: { cluster: 'aks-prod', registry: 'myacr' } });
    if (step.kind === 'ready') expect(step.target.registry).toEqual({ kind: 'acr-name', name: 'myacr' });
  });

  test('free text with both refs is ready', () => {
    expect(fromText("pods on rg-prod/aks-prod can't pull myacr.azurecr.io/shop/api:1.4.2")).toMatchObject({
      kind: 'ready',
      refs: { cluster: 'rg-prod/aks-prod', registry: 'myacr.azurecr.io/shop/api:1.4.2' },
    });
  });

  test('check <cluster> alone triages the cluster; "check again" repeats it', () => {
    expect(fromText('check aks-prod')).toEqual({
      kind: 'cluster',
      cluster: { kind: 'name', name: 'aks-prod' },
      refs: { cluster: 'aks-prod', registry: '' },
    });
    expect(repeat({ cluster: 'aks-prod', registry: '' })).toMatchObject({ kind: 'cluster' });
    expect(repeat({ cluster: 'aks-prod', registry: 'myacr' })).toMatchObject({ kind: 'ready' });
    expect(fromText('check ../etc')).toMatchObject({ kind: 'ask', part: 'cluster' });
  });

  test('free text naming only a cluster asks for the registry, naming the cluster', () => {
    const step = fromText('pods on aks-prod cannot pull');
    expect(step).toMatchObject({ kind: 'ask', part: 'registry', known: 'aks-prod', draft: { cluster: 'aks-prod', asking: 'registry' } });
  });

  test('nothing recognisable: ask for the cluster first', () => {
    expect(fromText('images are broken')).toMatchObject({ kind: 'ask', part: 'cluster' });
  });

  test('a one-word reply answers the question that was asked', () => {
    const first = fromText('pods on aks-prod cannot pull');
    if (first.kind !== 'ask') throw new Error('expected a question');
    expect(fromText('myacr', first.draft)).toMatchObject({ kind: 'ready', refs: { cluster: 'aks-prod', registry: 'myacr' } });
  });

  test("a bad ref gets the parser's message and the same question again, keeping the good part", () => {
    const step = fromAnswer('registry', 'my_acr!', { cluster: 'aks-prod', asking: 'registry' });
    expect(step.kind).toBe('ask');
    if (step.kind !== 'ask') return;
    expect(step.part).toBe('registry');
    expect(step.known).toBe('aks-prod');
    expect(step.error).toMatch(/my_acr/);
    expect(fromAnswer('registry', 'myacr', step.draft)).toMatchObject({ kind: 'ready' });
  });

  test('a bad cluster from the form is refused with the parser message, never a stack trace', () => {
    const step = fromAnswer('cluster', '../../etc/passwd', { registry: 'myacr' });
    expect(step).toMatchObject({ kind: 'ask', part: 'cluster', known: 'myacr' });
    if (step.kind === 'ask') expect(step.error).not.toMatch(/at .*\.ts:/);
  });
});

describe('target dialog from a paste', () => {
  test('a kubelet event asks only for the cluster, keeping the image and what the error means', () => {
    const step = fromText(KUBELET_EVENT);
    expect(step).toMatchObject({ kind: 'ask', part: 'cluster', known: 'acrdemo.azurecr.io/shop/api:1.4.2' });
    if (step.kind !== 'ask') throw new Error('expected a question');
    expect(step.error).toBeUndefined();
    expect(step.understood).toMatch(/^From your paste \(acrdemo\.azurecr\.io\/shop\/api:1\.4\.2\): The registry refused the node's credentials/);
    const ready = fromText('aks-missing-role', step.draft);
    expect(ready).toMatchObject({ kind: 'ready', refs: { cluster: 'aks-missing-role', registry: 'acrdemo.azurecr.io/shop/api:1.4.2' } });
    if (ready.kind === 'ready') expect(ready.pasted?.[0]?.class).toBe('unauthorized');
  });

  test('describe pod, get events and check-acr output each start or ask for the missing part only', () => {
    expect(fromText(DESCRIBE_POD)).toMatchObject({ kind: 'ask', part: 'cluster', known: 'acrdemo.azurecr.io/shop/api:1.4.2' });
    expect(fromText(GET_EVENTS)).toMatchObject({ kind: 'ask', part: 'cluster', known: 'acrdemo.azurecr.io/payments/ledger:2.0.1' });
    expect(fromText(CHECK_ACR)).toMatchObject({
      kind: 'ready',
      refs: { cluster: 'rg-aks-missing-role/aks-missing-role', registry: 'acrdemo.azurecr.io' },
    });
  });

  test('the answer form keeps the paste', () => {
    const step = fromText(KUBELET_EVENT);
    if (step.kind !== 'ask') throw new Error('expected a question');
    const ready = fromAnswer('cluster', 'aks-prod', step.draft);
    expect(ready).toMatchObject({ kind: 'ready', refs: { cluster: 'aks-prod' } });
    if (ready.kind === 'ready') expect(ready.pasted).toHaveLength(1);
  });
});
