import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export class TargetRefused extends Error {}

type IPv4EmbeddingForm = 'ipv4-mapped' | 'ipv4-compatible' | 'nat64' | '6to4';

const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
const NAT64_LOCAL_USE = ipaddr.parseCIDR('64:ff9b:1::/48');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');

const ipv4Of = (bytes: number[]) => ipaddr.fromByteArray(bytes) as ipaddr.IPv4;

/**
 * The IPv4 address an IPv6 address carries, and how: IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
 * (::a.b.c.d), NAT64 (64:ff9b::/96 and, per RFC 6052 for a /48, 64:ff9b:1::/48 around the "u"
 * octet) and 6to4 (2002:aabb:ccdd::/48).
 */
export function embeddedIPv4(
  address: ipaddr.IPv6,
): { form: IPv4EmbeddingForm; ipv4: ipaddr.IPv4 } | undefined {
  const bytes = address.toByteArray();
  if (address.isIPv4MappedAddress()) return { form: 'ipv4-mapped', ipv4: ipv4Of(bytes.slice(12)) };
  if (address.match(NAT64_WELL_KNOWN)) return { form: 'nat64', ipv4: ipv4Of(bytes.slice(12)) };
  if (address.match(NAT64_LOCAL_USE))
    return { form: 'nat64', ipv4: ipv4Of([...bytes.slice(6, 8), ...bytes.slice(9, 11)]) };
  if (address.match(SIX_TO_FOUR)) return { form: '6to4', ipv4: ipv4Of(bytes.slice(2, 6)) };
  // ::/96 less :: and ::1, which are the unspecified and loopback addresses in their own right.
  if (
    bytes.slice(0, 12).every((byte) => byte === 0) &&
    bytes.slice(12).some((b, i) => (i < 3 ? b !== 0 : b > 1))
  )
    return { form: 'ipv4-compatible', ipv4: ipv4Of(bytes.slice(12)) };
  return undefined;
}

/**
 * Parses an IP address. IPv6 text goes through the URL parser first: ipaddr.js reads a dotted tail
 * such as `::127.0.0.1` as IPv4-mapped, where the URL standard (and the socket) reads ::7f00:1.
 */
export function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  let text = address;
  if (address.includes(':')) {
    try {
      text = new URL(`http://[${address}]/`).hostname.slice(1, -1);
    } catch {
      return undefined;
    }
  }
  return ipaddr.isValid(text) ? ipaddr.parse(text) : undefined;
}

/**
 * Only global unicast addresses are webhook targets unless private targets are allowed: no
 * loopback, private, link-local, multicast, unspecified or reserved ranges, so an administrator's
 * URL cannot reach into the hosting network (SSRF). An IPv6 address that embeds an IPv4 one is
 * judged by the IPv4 address (ipaddr.js calls ::127.0.0.1 unicast); only the IPv4-mapped form,
 * which is how a dual-stack socket writes a plain IPv4 address, may pass: the translation forms
 * (IPv4-compatible, NAT64, 6to4) reach their IPv4 address through a gateway we cannot see, so they
 * are refused whatever they embed.
 */
export function isPublicAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  if (parsed.kind() === 'ipv4') return parsed.range() === 'unicast';
  const embedded = embeddedIPv4(parsed as ipaddr.IPv6);
  if (embedded) return embedded.form === 'ipv4-mapped' && embedded.ipv4.range() === 'unicast';
  return parsed.range() === 'unicast';
}

/** Checks a webhook URL when it is saved: http(s) only, and a host that resolves to allowed addresses only. */
export async function checkTargetUrl(raw: string, allowPrivate: boolean): Promise<void> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TargetRefused('must be an http or https URL');
  if (!url.hostname) throw new TargetRefused('must name a host');
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: LookupAddress[];
  try {
    addresses = ipaddr.isValid(host)
      ? [{ address: host, family: host.includes(':') ? 6 : 4 }]
      : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new TargetRefused(`host ${host} does not resolve`);
  }
  const refused = addresses.find((a) => !isPublicAddress(a.address));
  if (refused || addresses.length === 0) {
    throw new TargetRefused(
      `host ${host} resolves to ${refused?.address ?? 'nothing'}, a loopback, private, link-local or otherwise non-public address`,
    );
  }
}

/**
 * A DNS lookup for outgoing deliveries that refuses non-public addresses at connection time, so a
 * name that re-resolves to an internal address after it was saved (DNS rebinding) is still refused.
 * IP literals skip DNS: `assertLiteralAllowed` covers them.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as LookupAddress[];
      const allowed = allowPrivate ? list : list.filter((a) => isPublicAddress(a.address));
      if (allowed.length === 0) {
        return callback(
          new TargetRefused(`host ${hostname} resolves to a non-public address`),
          '',
          4,
        );
      }
      if (options.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

/** Refuses a URL whose host is a non-public IP literal (these never go through DNS). */
export function assertLiteralAllowed(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!allowPrivate && ipaddr.isValid(host) && !isPublicAddress(host)) {
    throw new TargetRefused(`address ${host} is not public`);
  }
}
