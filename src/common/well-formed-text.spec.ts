import { findMalformedText } from './well-formed-text';

describe('findMalformedText', () => {
  it('accepts well-formed text, emoji (surrogate pairs) included', () => {
    expect(findMalformedText({ company: 'Bücher 💥', tags: ['a', { b: 'c' }], n: 1 })).toBe(
      undefined,
    );
  });

  it.each([
    [{ company: '\ud800' }, 'company'],
    [{ a: { b: ['ok', 'x\udfffy'] } }, 'a.b.1'],
    [{ ['k\ud800']: 1 }, 'k\ud800'],
    ['\udc00', ''],
  ])('names where a lone surrogate sits in %j', (value, path) => {
    expect(findMalformedText(value)).toBe(path);
  });
});
