import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export class TargetRefused extends Error {}

/**
 * Only global unicast addresses are webhook targets unless private targets are allowed: no
 * loopback, private, link-local, multicast, unspecified or reserved ranges, so an administrator's
 * URL cannot reach into the hosting network (SSRF).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
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
