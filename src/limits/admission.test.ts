import { TriageAdmission, admissionSettings, personKey } from './admission';

test('limits each person to their rate per minute, others unaffected, and forgets after the window', () => {
  let now = 1_000_000;
  const admission = new TriageAdmission({ perPersonPerMinute: 2 }, () => now);
  expect(admission.admit('rita')).toBeUndefined();
  expect(admission.admit('rita')).toBeUndefined();
  expect(admission.admit('rita')).toMatchObject({ reason: 'rate-limited', message: expect.stringMatching(/Try again in 60 s/) });
  expect(admission.admit('nick')).toBeUndefined();
  now += 60_001;
  expect(admission.admit('rita')).toBeUndefined();
});

test('TRIAGE_RATE_LIMIT and TRIAGE_QUEUE_LIMIT are read once, with their defaults', () => {
  expect(admissionSettings({})).toEqual({ perPersonPerMinute: 6, queueLimit: 1000 });
  expect(admissionSettings({ TRIAGE_RATE_LIMIT: '2', TRIAGE_QUEUE_LIMIT: '5' })).toEqual({ perPersonPerMinute: 2, queueLimit: 5 });
  expect(() => admissionSettings({ TRIAGE_RATE_LIMIT: 'lots' })).toThrow(/TRIAGE_RATE_LIMIT/);
});

test('one key per person: the Entra object id when there is one, else channel and id', () => {
  expect(personKey({ id: '29:x', aadObjectId: 'ABC', channel: 'msteams' })).toBe('aad:abc');
  expect(personKey({ id: 'U1', channel: 'slack' })).toBe('slack:U1');
});
