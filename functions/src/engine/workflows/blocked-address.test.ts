import { describe, expect, it } from 'vitest';
import { blockedAddressReason, inIpv6Range, IPV6_SPECIAL_RANGES, isBlockedAddress, isBlockedHostName, parseIpv6 } from './blocked-address.js';

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:7f00:1',
    '::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:0a00:0001::1',
    'ff02::1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows public %s', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it('refuses metadata and local host names before any lookup', () => {
    expect(isBlockedHostName('metadata.google.internal')).toBe(true);
    expect(isBlockedHostName('LOCALHOST.')).toBe(true);
    expect(isBlockedHostName('api.example.com')).toBe(false);
  });
});

/** Writes eight groups back as text (uncompressed), so the test goes through the parser like real input. */
function formatGroups(groups: readonly number[]): string {
  return groups.map((group) => group.toString(16)).join(':');
}

/** First, middle and last address of a CIDR range. */
function sampleAddresses(cidr: string): string[] {
  const [address = '', prefixText = ''] = cidr.split('/');
  const network = parseIpv6(address) ?? [];
  const prefix = Number(prefixText);
  const withHostBits = (fill: (index: number) => number) =>
    network.map((group, index) => {
      const fixedBits = Math.max(0, Math.min(16, prefix - index * 16));
      const hostMask = fixedBits === 16 ? 0 : 0xffff >> fixedBits;
      return (group & ~hostMask & 0xffff) | (fill(index) & hostMask);
    });
  return [withHostBits(() => 0), withHostBits((index) => (index % 2 === 0 ? 0x1234 : 0x0a0b)), withHostBits(() => 0xffff)].map(formatGroups);
}

describe('IPv6 special-purpose registry', () => {
  const refused = IPV6_SPECIAL_RANGES.filter((range) => range.verdict === 'refuse');
  const embedding = IPV6_SPECIAL_RANGES.filter((range) => range.verdict === 'embedded-v4');

  it.each(refused.map((range) => [range.cidr, range.name] as const))('refuses every address of %s (%s)', (cidr) => {
    for (const address of sampleAddresses(cidr)) {
      expect(blockedAddressReason(address), address).not.toBeNull();
    }
  });

  it('samples really lie inside their range (the table test above cannot pass vacuously)', () => {
    for (const range of IPV6_SPECIAL_RANGES) {
      const [network = '', prefix = ''] = range.cidr.split('/');
      for (const address of sampleAddresses(range.cidr)) {
        expect(inIpv6Range(parseIpv6(address) ?? [], parseIpv6(network) ?? [], Number(prefix)), `${address} in ${range.cidr}`).toBe(true);
      }
    }
  });

  /** Puts an IPv4 address where each embedding range carries it. */
  function embed(cidr: string, v4: readonly [number, number, number, number]): string {
    const network = parseIpv6(cidr.split('/')[0] ?? '') ?? [];
    const hi = (v4[0] << 8) | v4[1];
    const lo = (v4[2] << 8) | v4[3];
    const groups = [...network];
    if (cidr.startsWith('2002:')) [groups[1], groups[2]] = [hi, lo];
    else [groups[6], groups[7]] = [hi, lo];
    return formatGroups(groups);
  }

  it.each(embedding.map((range) => [range.cidr, range.name] as const))('%s (%s) refuses private IPv4 inside and allows public', (cidr) => {
    for (const v4 of [
      [127, 0, 0, 1],
      [10, 1, 2, 3],
      [169, 254, 169, 254],
      [192, 168, 0, 1],
      [100, 64, 0, 1],
    ] as const) {
      expect(blockedAddressReason(embed(cidr, v4)), `${cidr} with ${v4.join('.')}`).not.toBeNull();
    }
    expect(blockedAddressReason(embed(cidr, [8, 8, 8, 8]))).toBeNull();
  });

  it.each(['::ffff:0:7f00:1', '::ffff:0:a9fe:a9fe', '::ffff:0:127.0.0.1', '64:ff9b:1::a9fe:a9fe', '64:ff9b:1:ffff::8.8.8.8'])(
    'refuses %s (the forms the attack suite saved)',
    (address) => {
      expect(isBlockedAddress(address)).toBe(true);
    },
  );

  it('refuses everything outside global unicast 2000::/3', () => {
    expect(blockedAddressReason('4000::1')).toBe('not global unicast');
    expect(blockedAddressReason('e000::1')).toBe('not global unicast');
    expect(blockedAddressReason('2a00:1450:4001:82b::200e')).toBeNull();
  });
});
