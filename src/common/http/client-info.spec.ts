import type { FastifyRequest } from 'fastify';
import { clientAddress, clientInfo } from './client-info';

function request(headers: Record<string, string | string[]>, ip?: string, peer?: string): FastifyRequest {
  return { headers, ip, socket: peer === undefined ? undefined : { remoteAddress: peer } } as unknown as FastifyRequest;
}

describe('clientInfo', () => {
  it('should read the user agent and the address', () => {
    expect(clientInfo(request({ 'user-agent': 'curl/8.5.0' }, '203.0.113.7'))).toEqual({
      userAgent: 'curl/8.5.0',
      ip: '203.0.113.7',
    });
  });

  it('should cut a long user agent to 512 characters', () => {
    expect(clientInfo(request({ 'user-agent': 'x'.repeat(2000) })).userAgent).toHaveLength(512);
  });

  it('should answer null for a missing user agent or address', () => {
    expect(clientInfo(request({}))).toEqual({ userAgent: null, ip: null });
  });

  it('should not take a repeated user-agent header', () => {
    expect(clientInfo(request({ 'user-agent': ['a', 'b'] })).userAgent).toBeNull();
  });

  it('should normalise the address', () => {
    expect(clientInfo(request({}, '::ffff:198.51.100.4')).ip).toBe('198.51.100.4');
    expect(clientInfo(request({}, '2001:db8:1:2:3:4:5:6')).ip).toBe('2001:db8:1:2::/64');
  });

  it('should fall back to the TCP peer when the forwarded address is not an IP address', () => {
    expect(clientInfo(request({}, '<script>', '::ffff:10.0.0.9')).ip).toBe('10.0.0.9');
    expect(clientInfo(request({}, 'unknown', undefined)).ip).toBeNull();
  });
});

describe('clientAddress', () => {
  it.each([
    ['an IPv4 address as it is', '203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address as IPv4', '::ffff:203.0.113.7', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address in hex as IPv4', '::ffff:cb00:7107', '203.0.113.7'],
    ['an IPv4-mapped IPv6 address in capitals as IPv4', '::FFFF:203.0.113.7', '203.0.113.7'],
    ['an IPv6 address as its /64', '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['an IPv6 address with leading zeros and capitals as its /64', '2001:0DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['a compressed IPv6 address as its /64', '2001:db8::1', '2001:db8::/64'],
    ['an IPv6 address whose prefix has zeros inside', '2001:0:0:1::5', '2001:0:0:1::/64'],
    ['an IPv6 address with a zone as its /64', 'fe80::1%eth0', 'fe80::/64'],
    ['the IPv6 loopback as ::/64', '::1', '::/64'],
    ['an IPv6 address with an embedded IPv4 tail', '64:ff9b::192.0.2.33', '64:ff9b::/64'],
    ['an IPv4 address with a port', '203.0.113.7:51234', '203.0.113.7'],
    ['a bracketed IPv6 address with a port', '[2001:db8:1:2::9]:443', '2001:db8:1:2::/64'],
    ['surrounding white space', ' 203.0.113.7 ', '203.0.113.7'],
  ])('should give %s', (_label, address, expected) => {
    expect(clientAddress(address)).toBe(expected);
  });

  it('should give the same /64 for two addresses of one network', () => {
    expect(clientAddress('2001:db8:aa:bb::1')).toBe(clientAddress('2001:db8:aa:bb:ffff:ffff:ffff:ffff'));
    expect(clientAddress('2001:db8:aa:bb::1')).not.toBe(clientAddress('2001:db8:aa:bc::1'));
  });

  it.each([
    undefined,
    '',
    'unknown',
    '<script>',
    '999.1.1.1',
    '01.2.3.4',
    '2001:db8::g',
    'x'.repeat(1000),
    '1.2.3.4, 5.6.7.8',
  ])('should give null for %p', (address) => {
    expect(clientAddress(address)).toBeNull();
  });
});
