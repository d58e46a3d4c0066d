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

function ipv6Reason(g: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embeddedV4 = ((g6 << 16) | g7) >>> 0;
  const firstSix = [g0, g1, g2, g3, g4, g5];
  if (g.every((group) => group === 0)) return 'unspecified';
  if (firstSix.every((group) => group === 0) && g6 === 0 && g7 === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible) reach the IPv4 address.
  if ([g0, g1, g2, g3, g4].every((group) => group === 0) && (g5 === 0xffff || g5 === 0)) {
    return ipv4Reason(embeddedV4) ?? null;
  }
  // 64:ff9b::/96 NAT64 translates to the embedded IPv4 address.
  if (g0 === 0x64 && g1 === 0xff9b && [g2, g3, g4, g5].every((group) => group === 0)) return ipv4Reason(embeddedV4);
  if ((g0 & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local (private)';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  // 2002::/16 (6to4) embeds an IPv4 address in groups 1-2.
  if (g0 === 0x2002) return ipv4Reason(((g1 << 16) | g2) >>> 0);
  // Teredo (2001:0::/32) tunnels to an obfuscated IPv4 address; refuse outright.
  if (g0 === 0x2001 && g1 === 0) return 'Teredo tunnel';
  return null;
}
