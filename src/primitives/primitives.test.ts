import { parseDuration } from './duration';
import { GUID_SOURCE, isGuid } from './guid';
import { parseSwitch } from './switch';

describe('isGuid', () => {
  test.each([
    ['0000000b-0000-4000-8000-0000000000b2', true],
    ['0000000B-0000-4000-8000-0000000000B2', true],
    ['0000000b-0000-4000-8000-0000000000b', false],
    [' 0000000b-0000-4000-8000-0000000000b2', false],
    ['0000000b00004000800000000000000b2', false],
    ["0000000b-0000-4000-8000-0000000000b2')", false],
  ])('%s → %s', (text, expected) => expect(isGuid(text)).toBe(expected));

  test('not a string is not a GUID', () => {
    expect(isGuid(undefined)).toBe(false);
    expect(isGuid(42)).toBe(false);
  });

  test('the unanchored source finds a GUID inside a path', () => {
    expect(
      new RegExp(`/(${GUID_SOURCE})$`, 'i').exec('/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d')?.[1],
    ).toBe('7f951dda-4ed3-4680-a7ca-43fe172d538d');
  });
});

describe('parseSwitch', () => {
  test.each(['1', 'true', 'TRUE', 'yes', 'on', ' On '])('%s is on', (text) => expect(parseSwitch(text)).toBe(true));
  test.each(['0', 'false', 'no', 'off', 'OFF'])('%s is off', (text) => expect(parseSwitch(text)).toBe(false));
  test.each(['', 'y', 'enabled', '2', 'true!'])('%s is neither', (text) => expect(parseSwitch(text)).toBeUndefined());
});

describe('parseDuration', () => {
  test.each([
    ['1h', 3_600_000],
    ['30m', 1_800_000],
    ['90s', 90_000],
    ['2d', 172_800_000],
    ['500ms', 500],
    [' 15M ', 900_000],
    ['90', 90_000],
    ['0', 0],
  ])('%s → %d ms', (text, expected) => expect(parseDuration(text)).toBe(expected));
  test.each(['-1h', 'soon', '1 hour', '1.5h', '', 'h'])('%s is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});
