import { NestApplicationOptions, RequestMethod } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import pino, { type Logger } from 'pino';
import { AppConfig } from './config/app-config';
import { onClientError, onFrameworkError } from './common/http/framework-errors';
import { registerJsonBodyParser } from './common/http/json-body';
import { enableCors } from './common/http/cors';
import { registerSecurityHeaders } from './common/http/security-headers';
import { registerUnreadBodyDiscard } from './common/http/unread-body';
import { Metrics } from './metrics/metrics';
import { registerRequestMetrics } from './metrics/request-metrics';
import { setUpOpenApi } from './openapi';
import { lazyChildLogger } from './logging/lazy-child-logger';
import { registerRequestLog } from './logging/request-log';
import { requestIdFor } from './logging/request-id';

export const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * How long a client may take over the parts of a request. Headers: 10 s, since a slow sender of headers (slowloris)
 * holds a socket without ever making a request. The whole request: 30 s, far more than a 100 KiB body needs. An idle
 * keep-alive connection: 72 s, longer than the 60 s idle timeout of common load balancers, so that they close it first
 * and never send a request into a socket being closed.
 */
export const HTTP_TIMEOUTS_MS = { headers: 10_000, request: 30_000, keepAlive: 72_000, checkEvery: 1000 };

/**
 * The HTTP adapter, with the body limit of the contract, the caller's request id or a fresh one, the proxies to believe,
 * and problem+json for what Fastify's router and Node's parser reject before any hook runs. Given a logger, Fastify
 * writes its own warnings and errors there (its info lines would repeat ours).
 */
export function createHttpAdapter(config: Pick<AppConfig, 'trustProxy'>, logger?: Logger): FastifyAdapter {
  return new FastifyAdapter({
    requestTimeout: HTTP_TIMEOUTS_MS.request,
    keepAliveTimeout: HTTP_TIMEOUTS_MS.keepAlive,
    // Node enforces the headers and request timeouts when it checks its connections, by default only every 30 s.
    http: { headersTimeout: HTTP_TIMEOUTS_MS.headers, connectionsCheckingInterval: HTTP_TIMEOUTS_MS.checkEvery },
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdFor(request.headers['x-request-id']),
    ...(logger && {
      loggerInstance: logger.child({ context: 'Fastify' }, { level: quieterOf(logger.level, 'warn') }),
      childLoggerFactory: lazyChildLogger,
    }),
    return503OnClosing: true,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
  });
}

/** `level`, unless it would let through more than `floor` does. */
function quieterOf(level: string, floor: string): string {
  const values = pino.levels.values;
  return (values[level] ?? Infinity) > values[floor] ? level : floor;
}

/** TRUST_PROXY as Fastify takes it: its own numeric form trusts nobody, so a hop count is given as a function. */
function fastifyTrustProxy(
  trust: AppConfig['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (trust === null) {
    return false;
  }
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

/**
 * Nest's own body parsers would also accept form-encoded bodies, which a cross-site HTML form can send without a
 * CORS preflight. Left to Fastify, only JSON is parsed and anything else is a 415.
 */
export const APP_OPTIONS: NestApplicationOptions = { bodyParser: false };

/**
 * Everything main.ts and the e2e tests set up alike, so tests exercise the app as it is served; with a logger, one
 * line per request.
 */
export async function configureApp(app: NestFastifyApplication, logger?: Logger): Promise<void> {
  const config = app.get(AppConfig);
  enableCors(app, config.corsOrigins);
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.ALL },
      { path: 'health/live', method: RequestMethod.ALL },
      { path: 'metrics', method: RequestMethod.ALL },
      { path: '.well-known/jwks.json', method: RequestMethod.GET },
      { path: '.well-known/oauth-authorization-server', method: RequestMethod.GET },
      { path: '.well-known/openid-configuration', method: RequestMethod.GET },
    ],
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify);
  registerUnreadBodyDiscard(fastify);
  registerSecurityHeaders(fastify);
  if (config.metrics.enabled) {
    registerRequestMetrics(fastify, app.get(Metrics));
  }
  if (logger) {
    registerRequestLog(fastify, logger);
  }
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('X-Request-Id', request.id);
    done(null, payload);
  });
  if (config.swaggerEnabled) {
    await setUpOpenApi(app);
  }
}
