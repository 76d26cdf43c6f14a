import { addressAllowed, canonicalRange } from './address-list';

describe('allowed addresses of API keys', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['2001:0DB8:0000::0001', '2001:db8::1'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['::/0', '::/0'],
  ])('writes %p as %p', (entry, canonical) => {
    expect(canonicalRange(entry)).toBe(canonical);
  });

  it.each([
    '300.0.0.1',
    '10.0.0.0/33',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '2001:db8::/129',
    'example.com',
    '',
    '10.0.0.0/',
    'fe80::1%eth0',
  ])('refuses %p', (entry) => {
    expect(canonicalRange(entry)).toBeUndefined();
  });

  it('matches IPv4 and IPv6 clients against addresses and ranges', () => {
    const allowed = ['192.0.2.1', '10.0.0.0/8', '2001:db8::/32'];
    expect(addressAllowed(allowed, '10.200.0.1')).toBe(true);
    expect(addressAllowed(allowed, '::ffff:10.200.0.1')).toBe(true);
    expect(addressAllowed(allowed, '192.0.2.1')).toBe(true);
    expect(addressAllowed(allowed, '192.0.2.2')).toBe(false);
    expect(addressAllowed(allowed, '2001:db8:ffff::1')).toBe(true);
    expect(addressAllowed(allowed, '2001:db9::1')).toBe(false);
    expect(addressAllowed(allowed, '::1')).toBe(false);
    expect(addressAllowed(allowed, 'unknown')).toBe(false);
  });
});
