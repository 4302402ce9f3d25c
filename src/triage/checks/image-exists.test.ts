import { okList, healthyEvidence } from '../../../test/fixtures/evidence';
import type { Evidence } from '../evidence';
import { imageExists } from './image-exists';

const IMG = 'myacr.azurecr.io/shop/api:1.4.2';

function change(fn: (e: Evidence) => void): () => Evidence {
  return () => {
    const e = healthyEvidence();
    fn(e);
    return e;
  };
}

const failing =
  (message: string) =>
  (e: Evidence): void => {
    if (e.kube.state !== 'ok') return;
    const c = e.kube.value.pods[0]?.containers[0];
    if (c) c.waitingReason = 'ErrImagePull';
    okList(e.kube.value.events).push({ namespace: 'shop', involvedKind: 'Pod', involvedName: 'api-7d9c-abcde', reason: 'Failed', message });
  };

const NOT_FOUND = `Failed to pull image "${IMG}": rpc error: code = NotFound desc = failed to pull and unpack image "${IMG}": failed to resolve reference "${IMG}": ${IMG}: not found`;
const UNAUTHORIZED = `Failed to pull image "${IMG}": rpc error: code = Unknown desc = failed to pull and unpack image "${IMG}": failed to resolve reference "${IMG}": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://myacr.azurecr.io/oauth2/token?scope=repository%3Ashop%2Fapi%3Apull&service=myacr.azurecr.io: 401 Unauthorized`;

describe('image.exists', () => {
  it.each<[string, string, () => Evidence, string[]]>([
    ['image read and present', 'pass', change((e) => (e.image = { state: 'ok', value: { reference: IMG, exists: true } })), [IMG, 'exists']],
    [
      'tag missing',
      'fail',
      change((e) => (e.image = { state: 'ok', value: { reference: IMG, exists: false, knownTags: ['1.4.0', '1.4.1'] } })),
      [`${IMG} — tag not found (repository shop/api has tags 1.4.0, 1.4.1)`],
    ],
    ['containerd says not found', 'fail', change(failing(NOT_FOUND)), ['api-7d9c-abcde', IMG, 'not found']],
    [
      'bot could not read the image',
      'unknown',
      change(
        (e) =>
          (e.image = {
            state: 'failed',
            failure: { kind: 'forbidden', message: 'token exchange refused (401)', needs: 'AcrPull on myacr for the bot' },
          }),
      ),
      ['token exchange refused (401)', 'says nothing'],
    ],
    ['not checked, pods fail with 401', 'unknown', change(failing(UNAUTHORIZED)), ['401', 'does not exist']],
    ['nothing named, nothing failing', 'skip', () => healthyEvidence(), ['No image was named']],
    [
      'image named, registry read but the image read could not be attempted',
      'unknown',
      change((e) => {
        e.target.image = { raw: IMG, host: 'myacr.azurecr.io', repository: 'shop/api', tag: '1.4.2' };
        e.image = { state: 'skipped', reason: 'the registry could not be read, so the image could not be checked', cause: 'missing-input' };
      }),
      [IMG, 'is unknown', 'could not be checked'],
    ],
    [
      'image named, skipped without a cause',
      'unknown',
      change((e) => {
        e.target.image = { raw: IMG, host: 'myacr.azurecr.io', repository: 'shop/api', tag: '1.4.2' };
        e.image = { state: 'skipped', reason: 'not read' };
      }),
      [IMG, 'is unknown'],
    ],
    [
      'image named on another registry',
      'skip',
      change((e) => {
        e.target.image = { raw: 'other.azurecr.io/a:1', host: 'other.azurecr.io', repository: 'a', tag: '1' };
        e.image = { state: 'skipped', reason: 'the image is on other.azurecr.io, not on myacr.azurecr.io', cause: 'not-applicable' };
      }),
      ['other.azurecr.io'],
    ],
    ['external registry', 'skip', change((e) => (e.target.registry = { kind: 'external', host: 'docker.io' })), ['docker.io']],
  ])('%s → %s', (_case, status, make, texts) => {
    const out = imageExists.run(make());
    expect(out.status).toBe(status);
    for (const t of texts) expect(out.evidence).toContain(t);
  });

  it('never says "exists" when the read failed, and passes the needs through', () => {
    const e = healthyEvidence();
    e.image = { state: 'failed', failure: { kind: 'unavailable', message: 'connection refused', needs: 'network reach to myacr.azurecr.io' } };
    expect(imageExists.run(e)).toMatchObject({ status: 'unknown', needs: 'network reach to myacr.azurecr.io' });
  });

  it('commands listing the tags of the repository', () => {
    const e = healthyEvidence();
    e.image = { state: 'ok', value: { reference: IMG, exists: false } };
    expect(imageExists.run(e).command).toBe('az acr repository show-tags -n myacr --repository shop/api --orderby time_desc -o table');
  });
});
