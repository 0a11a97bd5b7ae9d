import { CanActivate, ExecutionContext, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { NO_ROUTE_MATCHES } from '../common/filters/problem-details.filter';
import { AppConfig } from '../config/app-config';
import { carriesBearerToken } from './metrics-token';

export const METRICS_TOKEN_REQUIRED = 'The metrics token is required.';

/**
 * /metrics answers like an unknown route when metrics are off, and in production without METRICS_TOKEN (process
 * and traffic figures are not for everyone); with METRICS_TOKEN set, only to its bearer.
 */
@Injectable()
export class MetricsAccessGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { enabled, token } = this.config.metrics;
    if (!enabled || (token === null && this.config.production)) {
      throw new NotFoundException(NO_ROUTE_MATCHES);
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (token !== null && !carriesBearerToken(request.headers.authorization, token)) {
      throw new UnauthorizedException(METRICS_TOKEN_REQUIRED);
    }
    return true;
  }
}
