import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` is how a dual-stack server sees an IPv4 client: compare it as IPv4. */
const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

export const unmapIpv4 = (address: string) => MAPPED_IPV4.exec(address)?.[1] ?? address;

/**
 * An address (`203.0.113.7`, `2001:db8::1`) or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`) in its
 * canonical text form, or undefined when it is neither.
 */
export function canonicalRange(entry: string): string | undefined {
  const [address, prefix, ...rest] = entry.trim().split('/');
  if (rest.length > 0) return undefined;
  const plain = unmapIpv4(address);
  const family = isIP(plain);
  // A zone (`fe80::1%eth0`) names an interface of this host: meaningless for a client address.
  if (family === 0 || plain.includes('%')) return undefined;
  // The URL parser writes IPv6 in its compressed lower-case form (RFC 5952).
  const canonical = family === 4 ? plain : new URL(`http://[${plain}]`).hostname.slice(1, -1);
  if (prefix === undefined) return canonical;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return undefined;
  return `${canonical}/${Number(prefix)}`;
}

/** Matches client addresses against a key's `allowedIps` (entries already canonical). */
export function addressAllowed(allowed: readonly string[], client: string): boolean {
  const address = unmapIpv4(client);
  const family = isIP(address);
  if (family === 0) return false;
  const list = new BlockList();
  for (const entry of allowed) {
    const [network, prefix] = entry.split('/');
    const type = isIP(network) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(network, type);
    else list.addSubnet(network, Number(prefix), type);
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
