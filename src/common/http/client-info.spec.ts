import type { FastifyRequest } from 'fastify';
import { clientInfo } from './client-info';

function request(headers: Record<string, string | string[]>, ip?: string): FastifyRequest {
  return { headers, ip } as unknown as FastifyRequest;
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
});
