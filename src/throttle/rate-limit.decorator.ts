import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { Throttle } from '@nestjs/throttler';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { routeLimitName } from './limit-names';
import { RouteLimit } from './limits';
import { ROUTE_LIMIT_NAME, RouteThrottlerGuard } from './route-throttler.guard';

/** A per-client limit on this route (one of ROUTE_LIMITS): beyond it, 429 with `Retry-After`. */
export function RateLimit(routeLimit: RouteLimit): MethodDecorator {
  return applyDecorators(
    UseGuards(RouteThrottlerGuard),
    SetMetadata(ROUTE_LIMIT_NAME, routeLimitName(routeLimit)),
    Throttle({ default: { limit: routeLimit.limit, ttl: routeLimit.windowMs } }),
    ApiProblems(429),
  );
}
