/**
 * SSRF guard: which IP addresses a webhook may never reach. Pure so that both
 * the save-time check and the send-time check (inside the socket's DNS lookup,
 * which is what defeats DNS rebinding) use the very same list.
 */

type Range = readonly [network: number, prefix: number, why: string];

const IPV4_BLOCKED: readonly Range[] = [
  [ipv4(0, 0, 0, 0), 8, 'this network'],
  [ipv4(10, 0, 0, 0), 8, 'private'],
  [ipv4(100, 64, 0, 0), 10, 'carrier-grade NAT'],
  [ipv4(127, 0, 0, 0), 8, 'loopback'],
  [ipv4(169, 254, 0, 0), 16, 'link-local / cloud metadata'],
  [ipv4(172, 16, 0, 0), 12, 'private'],
  [ipv4(192, 0, 0, 0), 24, 'IETF protocol assignments'],
  [ipv4(192, 0, 2, 0), 24, 'documentation'],
  [ipv4(192, 88, 99, 0), 24, '6to4 relay'],
  [ipv4(192, 168, 0, 0), 16, 'private'],
  [ipv4(198, 18, 0, 0), 15, 'benchmarking'],
  [ipv4(198, 51, 100, 0), 24, 'documentation'],
  [ipv4(203, 0, 113, 0), 24, 'documentation'],
  [ipv4(224, 0, 0, 0), 4, 'multicast'],
  [ipv4(240, 0, 0, 0), 4, 'reserved / broadcast'],
];

/** Host names refused before any lookup (metadata servers answer on these inside clouds). */
const BLOCKED_HOST_NAMES = ['localhost', 'metadata', 'metadata.google.internal', 'instance-data', 'metadata.azure.internal'];

export function isBlockedHostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return BLOCKED_HOST_NAMES.includes(name) || name.endsWith('.localhost') || name.endsWith('.internal') || name.endsWith('.local');
}

/** Why an address is refused, or null when it is a public unicast address. Unparseable input is refused. */
export function blockedAddressReason(address: string): string | null {
  const v4 = parseIpv4(address);
  if (v4 !== null) return ipv4Reason(v4);
  const v6 = parseIpv6(address);
  if (v6 === null) return 'not an IP address';
  return ipv6Reason(v6);
}

export function isBlockedAddress(address: string): boolean {
  return blockedAddressReason(address) !== null;
}

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function ipv4Reason(value: number): string | null {
  for (const [network, prefix, why] of IPV4_BLOCKED) {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((value & mask) >>> 0 === network) return why;
  }
  return null;
}

export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const byte = Number(part);
    if (byte > 255) return null;
    value = value * 256 + byte;
  }
  return value >>> 0;
}

/** Eight 16-bit groups, or null. Accepts `::` compression, a trailing dotted quad and a `%zone`. */
export function parseIpv6(text: string): number[] | null {
  let body = text.replace(/^\[|\]$/g, '');
  const zone = body.indexOf('%');
  if (zone >= 0) body = body.slice(0, zone);
  if (!body.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  const last = body.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === null) return null;
    tail = [v4 >>> 16, v4 & 0xffff];
    body = `${body.slice(0, lastColon + 1)}${tail.length ? '0:0' : ''}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return null;
  const parse = (half: string): number[] | null => {
    if (half === '') return [];
    const groups = half.split(':');
    const out: number[] = [];
    for (const group of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === null || rest === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    groups = [...head, ...Array<number>(fill).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  if (tail.length === 2) {
    groups[6] = tail[0] ?? 0;
    groups[7] = tail[1] ?? 0;
  }
  return groups;
}

/**
 * How a special-purpose IPv6 range is treated. `embedded-v4` ranges carry an
 * IPv4 address that decides (public IPv4 through them is fine, private is
 * not); every other listed range is refused outright.
 */
export interface Ipv6SpecialRange {
  readonly cidr: string;
  readonly name: string;
  readonly verdict: 'refuse' | 'embedded-v4';
}

/**
 * The IANA IPv6 Special-Purpose Address Registry (iana-ipv6-special-registry,
 * as of 2025), plus the ranges outside it that still route to private space:
 * deprecated site-local and the IPv4-translated form of RFC 2765. The order
 * matters only for the reason given: the first matching range names it.
 * Outside 2000::/3 nothing is global unicast at all, so the catch-all at the
 * end refuses whatever IANA reserves there later.
 */
export const IPV6_SPECIAL_RANGES: readonly Ipv6SpecialRange[] = [
  { cidr: '::/128', name: 'unspecified', verdict: 'refuse' },
  { cidr: '::1/128', name: 'loopback', verdict: 'refuse' },
  { cidr: '::ffff:0:0/96', name: 'IPv4-mapped', verdict: 'embedded-v4' },
  { cidr: '::ffff:0:0:0/96', name: 'IPv4-translated (RFC 2765)', verdict: 'embedded-v4' },
  { cidr: '::/96', name: 'IPv4-compatible (deprecated)', verdict: 'embedded-v4' },
  { cidr: '64:ff9b::/96', name: 'IPv4/IPv6 translation (NAT64)', verdict: 'embedded-v4' },
  { cidr: '64:ff9b:1::/48', name: 'local-use IPv4/IPv6 translation', verdict: 'refuse' },
  { cidr: '100::/64', name: 'discard-only', verdict: 'refuse' },
  { cidr: '100:0:0:1::/64', name: 'dummy IPv6 prefix', verdict: 'refuse' },
  // Covers Teredo (2001::/32), benchmarking (2001:2::/48), AMT, AS112-v6, ORCHID(v2) and drone remote ID.
  { cidr: '2001::/23', name: 'IETF protocol assignments', verdict: 'refuse' },
  { cidr: '2001:db8::/32', name: 'documentation', verdict: 'refuse' },
  { cidr: '2002::/16', name: '6to4', verdict: 'embedded-v4' },
  { cidr: '2620:4f:8000::/48', name: 'direct delegation AS112 service', verdict: 'refuse' },
  { cidr: '3fff::/20', name: 'documentation', verdict: 'refuse' },
  { cidr: '5f00::/16', name: 'segment routing SIDs', verdict: 'refuse' },
  { cidr: 'fc00::/7', name: 'unique local (private)', verdict: 'refuse' },
  { cidr: 'fe80::/10', name: 'link-local', verdict: 'refuse' },
  { cidr: 'fec0::/10', name: 'site-local (private)', verdict: 'refuse' },
  { cidr: 'ff00::/8', name: 'multicast', verdict: 'refuse' },
];

interface ParsedRange extends Ipv6SpecialRange {
  readonly network: readonly number[];
  readonly prefix: number;
}

const PARSED_V6_RANGES: readonly ParsedRange[] = IPV6_SPECIAL_RANGES.map((range) => {
  const [address = '', prefix = ''] = range.cidr.split('/');
  const network = parseIpv6(address);
  if (!network) throw new Error(`bad IPv6 range ${range.cidr}`);
  return { ...range, network, prefix: Number(prefix) };
});

export function inIpv6Range(groups: readonly number[], network: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 16) {
    const width = Math.min(16, prefix - bit);
    const mask = (0xffff << (16 - width)) & 0xffff;
    const index = bit / 16;
    if (((groups[index] ?? 0) & mask) !== ((network[index] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address an `embedded-v4` range carries: the last 32 bits, or bits 16-47 for 6to4. */
function embeddedIpv4(range: ParsedRange, g: readonly number[]): number {
  const [hi, lo] = range.cidr.startsWith('2002:') ? [g[1] ?? 0, g[2] ?? 0] : [g[6] ?? 0, g[7] ?? 0];
  return ((hi << 16) | lo) >>> 0;
}

function ipv6Reason(g: number[]): string | null {
  for (const range of PARSED_V6_RANGES) {
    if (!inIpv6Range(g, range.network, range.prefix)) continue;
    if (range.verdict === 'refuse') return range.name;
    const v4 = ipv4Reason(embeddedIpv4(range, g));
    return v4 === null ? null : `${range.name} of a ${v4} address`;
  }
  // Only 2000::/3 is allocated as global unicast.
  if (((g[0] ?? 0) & 0xe000) !== 0x2000) return 'not global unicast';
  return null;
}
