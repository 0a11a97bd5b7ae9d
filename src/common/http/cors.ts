import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** How long a browser may reuse a preflight's answer before asking again. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the origins of CORS_ORIGINS, and for nobody when it is empty: without these headers a browser keeps other
 * sites' scripts from reading any answer. Origins are matched exactly, never by pattern. Credentials (cookies) are
 * not allowed: clients send the access token in the Authorization header, which a page must be given explicitly.
 */
export function enableCors(app: NestFastifyApplication, origins: string[]): void {
  if (origins.length === 0) {
    return;
  }
  app.enableCors({
    origin: origins,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
    credentials: false,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}
