import { quoteLiteral } from './arm-id';

describe('quoteLiteral', () => {
  it('doubles single quotes, as OData and KQL both read them', () => {
    expect(quoteLiteral("rg-o'brien")).toBe("'rg-o''brien'");
  });

  it.each(['a\\\\b', "x\\\\' or true or '", 'line\\nbreak', 'nul\\u0000'])('refuses %j rather than quote it ambiguously', (value) => {
    expect(() => quoteLiteral(JSON.parse(`"${value}"`) as string)).toThrow(RangeError);
  });
});
