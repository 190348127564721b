import ipaddr from 'ipaddr.js';
import type { Network } from './principal.js';

/** Parse an address or CIDR (IPv4 or IPv6); null when it is neither. */
export function parseNetwork(value: string): Network | null {
  try {
    if (value.includes('/')) return ipaddr.parseCIDR(value);
    const address = ipaddr.parse(value);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    return null;
  }
}

/** IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) count as their IPv4 form. */
export function addressAllowed(ip: string, networks: readonly Network[]): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const parsed = ipaddr.process(ip);
  return networks.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}
