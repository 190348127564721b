import ipaddr from 'ipaddr.js';
import type { HostRule } from '../../config/lifecycle-settings.js';

export const MAX_URL_LENGTH = 2048;

/** The host of a URL without IPv6 brackets, lower case (WHATWG URLs lower-case names already). */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

const literalAddress = (host: string): ipaddr.IPv4 | ipaddr.IPv6 | null => (ipaddr.isValid(host) ? ipaddr.process(host) : null);

const inRange = (address: ipaddr.IPv4 | ipaddr.IPv6, [range, bits]: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean =>
  address.kind() === range.kind() && address.match(range, bits);

function nameRule(host: string, rules: readonly HostRule[]): HostRule | undefined {
  return rules.find((rule) => (rule.kind === 'name' && rule.name === host) || (rule.kind === 'suffix' && host.endsWith(rule.suffix)));
}

/** Only global unicast addresses are public; loopback, private, link-local, CGNAT, reserved and the like are not. */
export function isPublicAddress(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return address.range() === 'unicast';
}

/**
 * Whether a webhook may be sent to `address` for a URL naming `host`. A public address is fine for
 * any allowed host. Anything else (loopback, private, link-local, metadata services) only when the
 * operator allowed it explicitly: an address range listing it, or the exact host name — never a
 * `*.suffix`, so a wildcard cannot reach the internal network through a name that resolves there.
 */
export function addressPermitted(host: string, address: string, rules: readonly HostRule[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (rules.some((rule) => rule.kind === 'network' && inRange(parsed, rule.range))) return true;
  const named = nameRule(host, rules);
  if (isPublicAddress(parsed)) return rules.length === 0 || named !== undefined;
  return named?.kind === 'name';
}

/**
 * Why a webhook URL is refused, or null: http(s) only, no credentials in it (they would be stored
 * and shown in clear), and a host WEBHOOK_ALLOWED_HOSTS admits. An address written in the URL is
 * checked now; a name is checked again against what it resolves to at every delivery.
 */
export function urlProblem(raw: string, rules: readonly HostRule[]): string | null {
  if (raw.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must be an http or https URL';
  if (url.username || url.password) return 'url must not carry a user name or password';
  if (url.hash) return 'url must not have a fragment';
  const host = hostOf(url);
  if (!host) return 'url must name a host';
  const literal = literalAddress(host);
  if (literal) {
    return addressPermitted(host, literal.toString(), rules) ? null : 'url names an address webhooks may not be sent to (see WEBHOOK_ALLOWED_HOSTS)';
  }
  if (rules.length && !nameRule(host, rules)) return 'url names a host that is not in WEBHOOK_ALLOWED_HOSTS';
  return null;
}

export function targetHost(raw: string): string {
  return hostOf(new URL(raw));
}
