import { applyDecorators, UseGuards } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { RouteLimit } from './limits';
import { RouteThrottlerGuard } from './route-throttler.guard';

/** A per-client limit on this route (one of ROUTE_LIMITS): beyond it, 429 with `Retry-After`. */
export function RateLimit(routeLimit: RouteLimit): MethodDecorator {
  return applyDecorators(
    UseGuards(RouteThrottlerGuard),
    Throttle({ default: { limit: routeLimit.limit, ttl: routeLimit.windowMs } }),
    ApiProblems(429),
  );
}
