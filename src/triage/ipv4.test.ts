import { blockCovers, isPrivateIpv4, parseIpv4, parseIpv4Block } from './ipv4';

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['51.4.7.9', 51 * 2 ** 24 + 4 * 2 ** 16 + 7 * 256 + 9],
    ['255.255.255.255', 2 ** 32 - 1],
    [' 10.0.0.1 ', 10 * 2 ** 24 + 1],
  ])('%s → %d', (text, expected) => {
    expect(parseIpv4(text)).toBe(expected);
  });

  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', 'a.b.c.d', '', '::1', '1.2.3.-4'])('rejects %p', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe('parseIpv4Block', () => {
  it.each([
    ['20.1.2.0/24', { network: parseIpv4('20.1.2.0'), prefixLength: 24 }],
    ['20.1.2.77/24', { network: parseIpv4('20.1.2.0'), prefixLength: 24 }],
    ['51.4.7.9', { network: parseIpv4('51.4.7.9'), prefixLength: 32 }],
    ['0.0.0.0/0', { network: 0, prefixLength: 0 }],
  ])('%s', (text, expected) => {
    expect(parseIpv4Block(text)).toEqual(expected);
  });

  it.each(['1.2.3.4/33', '1.2.3.4/', '1.2.3.4/x', '1.2.3.4/8/8', 'myacr'])('rejects %p', (text) => {
    expect(parseIpv4Block(text)).toBeUndefined();
  });
});

describe('blockCovers', () => {
  it.each([
    ['20.1.2.0/24', '20.1.2.9', true],
    ['20.1.2.0/24', '20.1.3.9', false],
    ['51.4.7.9', '51.4.7.9', true],
    ['51.4.7.9/32', '51.4.7.10', false],
    ['0.0.0.0/0', '203.0.113.5', true],
    ['20.1.0.0/16', '20.1.2.0/28', true],
    // a prefix is covered only when wholly inside the rule
    ['20.1.2.0/28', '20.1.2.0/24', false],
    ['20.1.2.0/25', '20.1.2.128/28', false],
    ['20.1.2.0/24', 'not-an-ip', false],
    ['garbage', '20.1.2.3', false],
  ])('%s covers %s: %s', (outer, inner, expected) => {
    expect(blockCovers(outer, inner)).toBe(expected);
  });
});

describe('isPrivateIpv4', () => {
  it.each([
    ['10.20.0.5', true],
    ['172.16.4.4', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['51.4.7.9', false],
  ])('%s: %s', (ip, expected) => {
    expect(isPrivateIpv4(ip)).toBe(expected);
  });
});
