import type { FastifyInstance } from 'fastify';

export const API_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'X-DNS-Prefetch-Control': 'off',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

// Swagger UI runs its own scripts and styles from our origin; everything else stays locked down.
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/** The headers Helmet would set for a JSON API, added to every response. */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(API_HEADERS);
    if (request.url.startsWith('/docs')) {
      reply.header('Content-Security-Policy', DOCS_CSP);
    }
    reply.removeHeader('X-Powered-By');
    done(null, payload);
  });
}
