import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthUser } from '../auth/decorators/auth-user';

/**
 * One line per answered request. Only these fields, never a header, body or query string: tokens travel in all
 * three. The route is the pattern (`/api/v1/users/:id`), null when no route matched, so an unknown path is not echoed.
 */
export function registerRequestLog(fastify: FastifyInstance, logger: Logger): void {
  // Redaction walks every wildcard path of every line, about 45 µs each; this line's fields are fixed and none of
  // them can hold a credential (the request id is kept only when it matches REQUEST_ID_PATTERN), so it goes without.
  const requestLogger = logger.child({}, { redact: { paths: [] } });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? null;
    requestLogger.info(
      {
        requestId: request.id,
        method: request.method,
        route,
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        userId: (request as { user?: AuthUser }).user?.id ?? null,
      },
      `${request.method} ${route ?? '(no route)'} ${reply.statusCode}`,
    );
    done();
  });
}
