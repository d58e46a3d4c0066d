import { describe, expect, it } from 'vitest';
import { blockedAddressReason, isBlockedAddress, isBlockedHostName } from './blocked-address.js';

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
