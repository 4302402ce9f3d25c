import { LruMap } from './lru';

test('keeps at most its capacity, forgetting the least recently used', () => {
  const lru = new LruMap<string, number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  expect(lru.get('a')).toBe(1);
  lru.set('c', 3);
  expect(lru.get('b')).toBeUndefined();
  expect(lru.get('a')).toBe(1);
  expect(lru.get('c')).toBe(3);
  expect(lru.size).toBe(2);
});

test('refuses a capacity below one', () => {
  expect(() => new LruMap(0)).toThrow(RangeError);
});
