import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { clientInfo } from '../common/http/client-info';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';
import { Metrics } from '../metrics/metrics';

/** Metadata key of the route limit's name, for the throttled-requests metric. */
export const ROUTE_LIMIT_NAME = 'bastion:route-limit-name';

/** The package's guard, counting per client address as the rest of the service sees it, answering our 429. */
@Injectable()
export class RouteThrottlerGuard extends ThrottlerGuard {
  // A property, so the package's guard keeps its own constructor.
  @Inject(Metrics) private readonly metrics: Metrics;

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(clientInfo(request as unknown as FastifyRequest).ip ?? 'unknown');
  }

  protected override throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    this.metrics.throttled(this.reflector.get<string>(ROUTE_LIMIT_NAME, context.getHandler()) ?? 'route');
    throw new TooManyRequestsException(Math.max(1, detail.timeToBlockExpire), 'Too many requests. Try again later.');
  }
}
