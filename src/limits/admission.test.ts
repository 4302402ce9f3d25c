import { TriageAdmission, personKey } from './admission';

test('refuses with "busy" once the queue is at its limit, and admits again when it drains', () => {
  let queued = 3;
  const admission = new TriageAdmission({ perPersonPerMinute: 100, queueLimit: 3 }, () => queued);
  expect(admission.admit('a')).toMatchObject({ reason: 'busy', message: expect.stringMatching(/busy.*Try again/) });
  queued = 2;
  expect(admission.admit('a')).toBeUndefined();
});

test('limits each person to their rate per minute, others unaffected, and forgets after the window', () => {
  let now = 1_000_000;
  const admission = new TriageAdmission(
    { perPersonPerMinute: 2, queueLimit: 100 },
    () => 0,
    () => now,
  );
  expect(admission.admit('rita')).toBeUndefined();
  expect(admission.admit('rita')).toBeUndefined();
  expect(admission.admit('rita')).toMatchObject({ reason: 'rate-limited', message: expect.stringMatching(/Try again in 60 s/) });
  expect(admission.admit('nick')).toBeUndefined();
  now += 60_001;
  expect(admission.admit('rita')).toBeUndefined();
});

test('one key per person: the Entra object id when there is one, else channel and id', () => {
  expect(personKey({ id: '29:x', aadObjectId: 'ABC', channel: 'msteams' })).toBe('aad:abc');
  expect(personKey({ id: 'U1', channel: 'slack' })).toBe('slack:U1');
});
