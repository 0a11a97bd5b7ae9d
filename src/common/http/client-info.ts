import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { isIPv4, isIPv6 } from 'node:net';

/** What sessions, the audit log and the per-client limits record about the client behind a request. */
export interface ClientInfo {
  userAgent: string | null;
  /** The client address in its one normal form (see clientAddress), the same for every consumer. */
  ip: string | null;
}

const MAX_USER_AGENT_LENGTH = 512;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const BRACKETED_IPV6 = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_TAIL = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Request.ip is the TCP peer, or with TRUST_PROXY the address the trusted proxies forwarded; a forwarded value that
 * is no address at all counts as the peer, so junk in X-Forwarded-For never becomes a client of its own.
 */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return {
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : null,
    ip: clientAddress(request.ip) ?? clientAddress(request.socket?.remoteAddress),
  };
}

/**
 * The one form of a client address: IPv4 as it is, also when it arrives IPv4-mapped (`::ffff:192.0.2.1`); IPv6 as its
 * /64 (`2001:db8:1:2::/64`), since one subscriber is usually given a whole /64 and could otherwise count as 2^64
 * clients. A port a proxy may have added is dropped. Null for anything that is not an IP address.
 */
export function clientAddress(raw: string | undefined): string | null {
  const address = withoutPort(raw?.trim() ?? '');
  if (isIPv4(address)) {
    return address;
  }
  if (!isIPv6(address)) {
    return null;
  }
  const groups = ipv6Groups(address.split('%')[0]);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  const prefix = groups.slice(0, 4);
  // RFC 5952 form: the zero groups at the end of the prefix join the zero half in one "::".
  while (prefix.length > 0 && prefix[prefix.length - 1] === 0) {
    prefix.pop();
  }
  return `${prefix.map((group) => group.toString(16)).join(':')}::/64`;
}

function withoutPort(address: string): string {
  return IPV4_WITH_PORT.exec(address)?.[1] ?? BRACKETED_IPV6.exec(address)?.[1] ?? address;
}

/** The eight 16-bit groups of a valid IPv6 address without its zone. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const tail = IPV4_TAIL.exec(text);
  if (tail) {
    const [a, b, c, d] = tail.slice(1).map(Number);
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const parse = (part: string | undefined): number[] =>
    part ? part.split(':').map((group) => parseInt(group, 16)) : [];
  const front = parse(head);
  const back = parse(rest);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/** The calling client's address and user agent. */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo =>
  clientInfo(context.switchToHttp().getRequest<FastifyRequest>()),
);
