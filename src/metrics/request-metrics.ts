import type { FastifyInstance } from 'fastify';
import { Metrics, UNMATCHED_ROUTE } from './metrics';

export const METRICS_PATH = '/metrics';

/**
 * Times every request but the scrape itself, in a Fastify hook: cheaper than a Nest interceptor, and it also sees
 * what never reaches a handler (404s, 415s, guards' 401s). Labelled by route pattern, so ids never make new series.
 */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    if (route !== METRICS_PATH) {
      metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
}
