import type { FastifyRequest } from 'fastify';
import type { ClientInfo } from './sessions/sessions.service';

/** What a session records about the client that started it. */
export function clientInfo(request: FastifyRequest): ClientInfo {
  const userAgent = request.headers['user-agent'];
  return { userAgent: typeof userAgent === 'string' ? userAgent : null, ip: request.ip ?? null };
}
