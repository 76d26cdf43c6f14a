import ipaddr from 'ipaddr.js';
import {
  checkTargetUrl,
  embeddedIPv4,
  isPublicAddress,
  parseAddress,
  TargetRefused,
} from './target-address';

describe('target addresses', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    'fe80::1',
    'fd12::1',
    '::ffff:10.0.0.1',
    '::',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['93.184.215.14', '1.1.1.1', '2606:4700:4700::1111'])('allows %s', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );
});

describe('webhook target addresses that embed IPv4 in IPv6', () => {
  it.each([
    ['::ffff:127.0.0.1', 'ipv4-mapped', '127.0.0.1'],
    ['::127.0.0.1', 'ipv4-compatible', '127.0.0.1'],
    ['::a00:1', 'ipv4-compatible', '10.0.0.1'],
    ['64:ff9b::10.0.0.1', 'nat64', '10.0.0.1'],
    ['64:ff9b:1:c0a8:1:100::', 'nat64', '192.168.1.1'],
    ['2002:7f00:1::1', '6to4', '127.0.0.1'],
    ['2002:a9fe:a9fe::', '6to4', '169.254.169.254'],
  ])('finds the IPv4 address in %s (%s)', (address, form, ipv4) => {
    const embedded = embeddedIPv4(parseAddress(address) as ipaddr.IPv6);
    expect(embedded?.form).toBe(form);
    expect(embedded?.ipv4.toString()).toBe(ipv4);
  });

  it.each(['::', '::1', '2606:4700:4700::1111', 'fe80::1'])('finds none in %s', (address) =>
    expect(embeddedIPv4(ipaddr.IPv6.parse(address))).toBeUndefined(),
  );

  it.each([
    '::127.0.0.1',
    '::7f00:1',
    '::ffff:127.0.0.1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '64:ff9b::127.0.0.1',
    '64:ff9b::8.8.8.8',
    '64:ff9b:1:7f00:0:100::',
    '2002:7f00:1::',
    '2002:808:808::',
    '::8.8.8.8',
  ])('refuses %s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['::ffff:8.8.8.8', '93.184.215.14', '2606:4700:4700::1111'])('allows %s', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    'http://[::127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[64:ff9b:1:a00:0:100::]/',
    'http://[2002:c0a8:101::1]/',
  ])('refuses the URL %s when private targets are off', async (url) => {
    await expect(checkTargetUrl(url, false)).rejects.toBeInstanceOf(TargetRefused);
  });
});
