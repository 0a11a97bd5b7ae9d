import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { clientInfo } from '../common/http/client-info';
import { TooManyRequestsException } from '../common/http/too-many-requests.exception';

/** The package's guard, counting per client address as the rest of the service sees it, answering our 429. */
@Injectable()
export class RouteThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(clientInfo(request as unknown as FastifyRequest).ip ?? 'unknown');
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    throw new TooManyRequestsException(Math.max(1, detail.timeToBlockExpire), 'Too many requests. Try again later.');
  }
}
