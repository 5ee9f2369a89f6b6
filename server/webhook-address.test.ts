import { describe, expect, it } from 'vitest';
import { isPrivateAddress, privateTargetReason } from './webhook-address.ts';

describe('isPrivateAddress', () => {
  it.each([
    ['127.0.0.1', true], ['127.8.9.10', true], ['10.0.0.1', true], ['172.16.5.4', true], ['172.31.255.255', true], ['192.168.1.1', true],
    ['169.254.169.254', true], ['100.64.0.1', true], ['0.0.0.0', true], ['224.0.0.1', true], ['255.255.255.255', true], ['198.18.0.1', true],
    ['::1', true], ['::', true], ['fe80::1', true], ['fd12:3456::1', true], ['fc00::1', true], ['ff02::1', true], ['::ffff:10.0.0.1', true], ['::ffff:127.0.0.1', true],
    ['172.32.0.1', false], ['8.8.8.8', false], ['93.184.216.34', false], ['100.128.0.1', false], ['2606:4700::1111', false], ['::ffff:8.8.8.8', false],
    ['not-an-ip', false],
    // IPv4 inside IPv6, as URL parsing writes them: mapped, compatible, NAT64 (well-known and local-use), 6to4.
    ['::ffff:7f00:1', true], ['::127.0.0.1', true], ['::7f00:1', true], ['64:ff9b::7f00:1', true], ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b:1::a00:1', true], ['2002:7f00:1::', true], ['2002:c0a8:101::1', true],
    ['::ffff:808:808', false], ['64:ff9b::808:808', false], ['2002:808:808::1', false],
  ])('%s → %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });
});

describe('privateTargetReason', () => {
  it('names the address a host name resolves to, and passes public IP literals', async () => {
    expect(await privateTargetReason('http://localhost:9/x')).toMatch(/^localhost is this machine, a private or local address/);
    // Refused without asking DNS (which may not know the name, and would then let it through).
    expect(await privateTargetReason('http://localhost./x')).toMatch(/^localhost\. is this machine/);
    expect(await privateTargetReason('http://api.localhost/x')).toMatch(/is this machine/);
    expect(await privateTargetReason('http://[::127.0.0.1]/x')).toMatch(/a private or local address/);
    expect(await privateTargetReason('http://[64:ff9b::7f00:1]/x')).toMatch(/a private or local address/);
    expect(await privateTargetReason('http://[::1]/x')).toMatch(/^::1 is a private or local address/);
    expect(await privateTargetReason('https://93.184.216.34/hook')).toBeNull();
  });
});
